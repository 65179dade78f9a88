import Formats
import Foundation

/// The fixed-noise sample grids: chosen epochs side by side and an animation over all
/// epochs per variant. Grids stay in the run directories and are linked relatively; only
/// the animations are new files.
struct SampleFigures {
    let artifacts: StudyArtifacts
    let studyDirectory: URL
    private(set) var files: [FigureFile] = []

    /// Shown width of a grid in the page, in CSS pixels.
    static let gridWidth = 200
    /// Animation timing: each epoch, and a pause on the last before it loops.
    static let frameMilliseconds = 400
    static let lastFrameMilliseconds = 2000

    init(_ artifacts: StudyArtifacts, studyDirectory: URL) {
        self.artifacts = artifacts
        self.studyDirectory = studyDirectory
    }

    /// A table with a row per variant: the first, a middle and the last epoch's grid and
    /// the animation; and the real images for comparison.
    mutating func blocks() -> [Block] {
        var rows: [[[Inline]]] = []
        for (variant, runs) in artifacts.runsByVariant {
            guard let run = artifacts.sampleRun(variant) else {
                let location = runs.first.map { " (\($0.directory)/samples/)" } ?? ""
                let note = Inline.text("sample grids missing" + location)
                rows.append([[.strong(variant)], [note], [], [], []])
                continue
            }
            let epochs = Self.chosenEpochs(run.sampleEpochs)
            let seed = Inline.text("seed \(run.result.seed)")
            var row: [[Inline]] = [[.strong(variant), .lineBreak, seed]]
            row += (0..<3).map { i in
                guard i < epochs.count else { return [] }
                return grid(run, epoch: epochs[i])
            }
            row.append(animation(run))
            rows.append(row)
        }
        var blocks: [Block] = [
            .paragraph([
                "The same 64 noise vectors are drawn after every epoch, so a cell shows the ",
                "same latent points as training goes on.",
            ]),
            .table(header: ["variant", "first epoch", "middle", "last epoch", "animation"],
                   rows: rows),
        ]
        if let real = artifacts.runsByVariant.flatMap(\.runs).lazy
            .compactMap(\.realSamplesPath).first
        {
            blocks.append(.paragraph([
                .text("Real training images for comparison: "), .lineBreak,
                .image(path: real, alt: "real training images", width: Self.gridWidth),
            ]))
        }
        return blocks
    }

    /// The first, middle and last of the available epochs, without repeats.
    static func chosenEpochs(_ epochs: [Int]) -> [Int] {
        guard let first = epochs.first, let last = epochs.last else { return [] }
        var chosen = [first]
        for epoch in [epochs[epochs.count / 2], last] where !chosen.contains(epoch) {
            chosen.append(epoch)
        }
        return chosen
    }

    private func grid(_ run: RunArtifacts, epoch: Int) -> [Inline] {
        let path = run.samplePath(epoch: epoch)
        return [.image(path: path, alt: "\(run.result.variant) epoch \(epoch)",
                       width: Self.gridWidth), .lineBreak, .text("epoch \(epoch)")]
    }

    /// Writes the run's grids as an animated PNG; unreadable or odd-sized grids are left out
    /// and named in the cell.
    private mutating func animation(_ run: RunArtifacts) -> [Inline] {
        var frames: [PixelImage] = []
        var skipped: [Int] = []
        for epoch in run.sampleEpochs {
            let url = studyDirectory.appendingPathComponent(run.samplePath(epoch: epoch))
            guard let image = try? PNGDecoder.read(url),
                frames.first.map({ $0.width == image.width && $0.height == image.height
                    && $0.channels == image.channels }) ?? true
            else {
                skipped.append(epoch)
                continue
            }
            frames.append(image)
        }
        guard frames.count > 1 else { return ["fewer than two readable epochs: no animation"] }

        let path = "figures/samples-\(run.result.variant).png"
        let bytes = APNGEncoder.encode(
            frames, delayMilliseconds: Self.frameMilliseconds,
            lastDelayMilliseconds: Self.lastFrameMilliseconds)
        files.append(FigureFile(path: path, data: Data(bytes)))
        var cell: [Inline] = [
            .image(path: path, alt: "\(run.result.variant) samples over training",
                   width: Self.gridWidth),
            .lineBreak, .text("\(frames.count) epochs, \(Self.frameMilliseconds) ms each"),
        ]
        if !skipped.isEmpty {
            cell += [.lineBreak, .text("unreadable: epochs "
                + skipped.map(String.init).joined(separator: ", "))]
        }
        return cell
    }
}
