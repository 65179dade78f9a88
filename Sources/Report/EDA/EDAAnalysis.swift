import Datasets
import Foundation

/// The numbers behind the EDA: statistics, histograms, class images and duplicates.
public struct EDAAnalysis {
    /// The splits analysed, in order (images are numbered across them, train first).
    public let splits: [LabelledImages]
    /// Statistics and histograms per split, per class (both splits) and overall.
    let splitAccumulators: [PixelAccumulator]
    let classAccumulators: [PixelAccumulator]
    let overall: PixelAccumulator
    /// Exact duplicate groups and near-duplicate pairs, by global index.
    let exactGroups: [[Int]]
    let nearPairs: [(i: Int, j: Int, distance: Double)]
    let threshold: Double
    let blankImages: Int

    /// Analyses `splits`; near-duplicates are pairs with RMS distance <= `threshold`.
    public init(splits: [LabelledImages], nearDuplicateThreshold threshold: Double) {
        let size = LabelledImages.imageBytes
        let classCount = FashionMNIST.classNames.count
        var perSplit: [PixelAccumulator] = []
        var perClass = [PixelAccumulator](
            repeating: PixelAccumulator(pixelsPerImage: size), count: classCount)
        var blank = 0
        for split in splits {
            var accumulator = PixelAccumulator(pixelsPerImage: size)
            var byClass = [PixelAccumulator](
                repeating: PixelAccumulator(pixelsPerImage: size), count: classCount)
            split.pixels.withUnsafeBufferPointer { bytes in
                for i in 0..<split.count {
                    let image = bytes.baseAddress! + i * size
                    byClass[Int(split.labels[i])].add(image)
                    if !(0..<size).contains(where: { image[$0] != 0 }) { blank += 1 }
                }
            }
            for c in 0..<classCount {
                accumulator.merge(byClass[c])
                perClass[c].merge(byClass[c])
            }
            perSplit.append(accumulator)
        }
        var overall = PixelAccumulator(pixelsPerImage: size)
        for a in perSplit { overall.merge(a) }

        let finder = DuplicateFinder(pixels: splits.flatMap(\.pixels), pixelsPerImage: size)
        self.splits = splits
        splitAccumulators = perSplit
        classAccumulators = perClass
        self.overall = overall
        exactGroups = finder.exactGroups()
        nearPairs = finder.nearPairs(threshold: threshold)
        self.threshold = threshold
        blankImages = blank
    }

    /// Which split a global index falls in, and its index there.
    func locate(_ global: Int) -> (split: Int, index: Int) {
        var rest = global
        for (s, split) in splits.enumerated() {
            if rest < split.count { return (s, rest) }
            rest -= split.count
        }
        preconditionFailure("image \(global) is beyond the \(splits.count) splits")
    }

    /// The label of a global index.
    func label(_ global: Int) -> Int {
        let (s, i) = locate(global)
        return Int(splits[s].labels[i])
    }

    /// The 784 bytes of a global index.
    func image(_ global: Int) -> ArraySlice<UInt8> {
        let (s, i) = locate(global)
        let size = LabelledImages.imageBytes
        return splits[s].pixels[(i * size)..<((i + 1) * size)]
    }

    /// "train:123:Coat" for a global index.
    func describe(_ global: Int) -> String {
        let (s, i) = locate(global)
        return "\(splits[s].split.rawValue):\(i):\(FashionMNIST.classNames[label(global)])"
    }

    /// The numbers as the summary records them.
    func summary(dataDirectory: String, verified: Bool, figures: [String], seconds: Double)
        -> EDASummary
    {
        let names = FashionMNIST.classNames
        let splitSummaries = splits.enumerated().map { s, split in
            EDASummary.Split(
                name: split.split.rawValue, images: split.pixels.count / LabelledImages.imageBytes,
                labels: split.labels.count, imageShape: [28, 28], pixelType: "uint8",
                labelType: "uint8",
                classCounts: (0..<names.count).map { c in split.labels.filter { $0 == c }.count },
                statistics: splitAccumulators[s].statistics)
        }
        let classes = names.indices.map {
            EDASummary.ClassSummary(
                label: $0, name: names[$0], statistics: classAccumulators[$0].statistics)
        }
        let cleaning = EDASummary.Cleaning(
            missingRecords: splits.reduce(0) {
                $0 + abs($1.pixels.count / LabelledImages.imageBytes - $1.labels.count)
            },
            unreadableRecords: 0, labelsOutOfRange: 0, blankImages: blankImages,
            exactDuplicates: exactSummary(), nearDuplicates: nearSummary())
        return EDASummary(
            dataDirectory: dataDirectory, checksumsVerified: verified, classNames: names,
            splits: splitSummaries, overall: overall.statistics, classes: classes,
            cleaning: cleaning, figures: figures, seconds: seconds)
    }

    private func exactSummary() -> EDASummary.ExactDuplicates {
        var within = [0, 0]
        var across = 0
        var same = 0
        for group in exactGroups {
            let splitsInGroup = Set(group.map { locate($0).split })
            if splitsInGroup.count > 1 { across += 1 } else { within[splitsInGroup.first!] += 1 }
            if Set(group.map(label)).count == 1 { same += 1 }
        }
        let images = exactGroups.reduce(0) { $0 + $1.count }
        return EDASummary.ExactDuplicates(
            groups: exactGroups.count, images: images, redundantCopies: images - exactGroups.count,
            withinTrain: within[0], withinTest: splits.count > 1 ? within[1] : 0,
            acrossSplits: across,
            sameLabel: same, conflictingLabels: exactGroups.count - same,
            examples: exactGroups.prefix(20).map { $0.map(describe) })
    }

    private func nearSummary() -> EDASummary.NearDuplicates {
        var within = [0, 0]
        var across = 0
        var conflicting = 0
        for pair in nearPairs {
            let a = locate(pair.i).split
            let b = locate(pair.j).split
            if a != b { across += 1 } else { within[a] += 1 }
            if label(pair.i) != label(pair.j) { conflicting += 1 }
        }
        let closest = nearPairs.sorted { $0.distance < $1.distance }.prefix(20)
        return EDASummary.NearDuplicates(
            threshold: threshold,
            method:
                "root-mean-square difference of the 784 pixels (0-255 scale), exact "
                + "duplicates excluded; candidates from a sweep over images sorted by mean "
                + "brightness, screened on 4x4 block means (a lower bound), then compared on "
                + "all pixels; no pair is missed",
            pairs: nearPairs.count, withinTrain: within[0],
            withinTest: splits.count > 1 ? within[1] : 0,
            acrossSplits: across, conflictingLabels: conflicting,
            examples: closest.map {
                [describe($0.i), describe($0.j), String(format: "%.2f", $0.distance)]
            })
    }
}
