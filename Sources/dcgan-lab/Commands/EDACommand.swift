import Datasets
import Foundation
import Report

/// `dcgan-lab eda`: the exploratory data analysis of Fashion-MNIST.
enum EDACommand: Command {
    static let spec = CommandSpec(
        name: "eda",
        summary:
            "Exploratory data analysis of all 70,000 images: report.html, summary.json, figures.",
        options: DataOptions.specs + [
            OptionSpec(name: "out", valueName: "DIR", help: "output directory (default: eda)"),
            OptionSpec(
                name: "near-duplicate-threshold", valueName: "X",
                help:
                    "RMS pixel distance (0-255) for near-duplicates (default 8)"
            ),
        ])

    static func run(_ arguments: ParsedArguments) throws {
        let threshold = try arguments.double("near-duplicate-threshold", range: 0...255) ?? 8
        let out = URL(fileURLWithPath: arguments.string("out") ?? "eda")
        let (location, data) = try DataOptions.load(arguments)
        Console.info("analysing 70,000 images from \(location.directory.path) ...")

        let s = try EDAReport.write(
            data, location: location, to: out, nearDuplicateThreshold: threshold)
        let e = s.cleaning.exactDuplicates
        let near = s.cleaning.nearDuplicates
        Console.info(
            """
            splits: \(s.splits.map { "\($0.name) \($0.images)" }.joined(separator: ", ")); \
            images 28x28 uint8, \(s.classNames.count) classes
            pixels: mean \(fmt(s.overall.mean)), std \(fmt(s.overall.std)), \
            range \(s.overall.min)-\(s.overall.max), \
            background \(fmt(s.overall.backgroundShare * 100))%
            exact duplicates: \(e.groups) groups (\(e.redundantCopies) redundant copies; \
            \(e.acrossSplits) across splits, \(e.conflictingLabels) with conflicting labels)
            near-duplicates (RMS <= \(fmt(near.threshold))): \(near.pairs) pairs \
            (\(near.acrossSplits) across splits, \(near.conflictingLabels) with different labels)
            wrote \(out.appendingPathComponent("report.html").path), summary.json and \
            \(s.figures.count) figures (\(fmt(s.seconds)) s)
            """)
    }

    private static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
}
