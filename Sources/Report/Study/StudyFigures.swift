import Datasets
import Foundation
import GAN
import Study

/// A file the report writes under `figures/`, with its path relative to the study directory.
struct FigureFile {
    let path: String
    let data: Data
}

/// The charts of the study report: losses, discriminator outputs, FID over training and
/// the class distribution of generated samples. Each chart is an SVG file beside the page.
struct StudyFigures {
    let artifacts: StudyArtifacts
    private(set) var files: [FigureFile] = []

    init(_ artifacts: StudyArtifacts) { self.artifacts = artifacts }

    /// Blocks for the loss, D-output, FID and class charts; their files go to `files`.
    mutating func blocks() -> [Block] {
        var blocks: [Block] = [.heading(level: 3, text: "Loss curves per variant")]
        blocks.append(.paragraph([
            "Per iteration of each variant's first seed: faint lines are the logged values, ",
            "solid lines the Savitzky-Golay smoothing (window 21, order 3). A logarithmic ",
            "axis is used when the losses span more than a factor of 30.",
        ]))
        blocks.append(perVariant("loss", chart: Self.lossChart))
        blocks.append(.heading(level: 3, text: "Losses across variants"))
        blocks.append(.gallery([
            acrossVariants(\.lossG, name: "G", file: "loss-g-all"),
            acrossVariants(\.lossD, name: "D", file: "loss-d-all"),
        ]))
        blocks.append(.heading(level: 3, text: "Discriminator outputs"))
        blocks.append(.paragraph([
            "D(x) is D's mean output on real images, D(G(z)) on generated ones before G's ",
            "step. D(x) near 1 with D(G(z)) near 0 means D is winning.",
        ]))
        blocks.append(perVariant("d-outputs", chart: Self.outputsChart))
        blocks.append(.heading(level: 3, text: "FID over training"))
        blocks.append(fidOverEpochs())
        blocks.append(.heading(level: 3, text: "Class distribution of generated samples"))
        blocks.append(classDistribution())
        return blocks
    }

    /// One chart per variant, side by side; variants without a history are named.
    private mutating func perVariant(_ stem: String, chart: (RunArtifacts) -> LineChart)
        -> Block
    {
        var figures: [Block] = []
        var missing: [String] = []
        for (variant, _) in artifacts.runsByVariant {
            guard let run = artifacts.historyRun(variant) else {
                missing.append(variant)
                continue
            }
            var c = chart(run)
            c.width = 600
            c.height = 340
            let path = "figures/\(stem)-\(variant).svg"
            files.append(FigureFile(path: path, data: Data(c.svg().utf8)))
            figures.append(.figure(path: path, alt: c.title, caption: nil, width: 600))
        }
        if !missing.isEmpty {
            figures.append(.paragraph([
                .text("No loss history (history.csv missing or unreadable) for: "
                    + missing.joined(separator: ", ") + "."),
            ]))
        }
        return .gallery(figures)
    }

    private static func lossChart(_ run: RunArtifacts) -> LineChart {
        let g = ChartPalette.color(0)
        let d = ChartPalette.color(1)
        var chart = LineChart(
            title: "\(run.result.variant): losses (seed \(run.result.seed))",
            xLabel: "iteration", yLabel: "BCE loss",
            series: [
                .init(name: "G", points: run.series(\.lossG), color: g, faint: true),
                .init(name: "D", points: run.series(\.lossD), color: d, faint: true),
                .init(name: "G (smoothed)", points: run.smoothed(\.lossG), color: g),
                .init(name: "D (smoothed)", points: run.smoothed(\.lossD), color: d),
            ])
        chart.logarithmicY = Self.spansDecades(chart.series)
        return chart
    }

    private static func outputsChart(_ run: RunArtifacts) -> LineChart {
        let real = ChartPalette.color(4)
        let fake = ChartPalette.color(2)
        return LineChart(
            title: "\(run.result.variant): D outputs (seed \(run.result.seed))",
            xLabel: "iteration", yLabel: "mean D output",
            series: [
                .init(name: "D(x)", points: run.series(\.dOfX), color: real, faint: true),
                .init(
                    name: "D(G(z))", points: run.series(\.dOfGzBefore), color: fake, faint: true),
                .init(name: "D(x) (smoothed)", points: run.smoothed(\.dOfX), color: real),
                .init(
                    name: "D(G(z)) (smoothed)", points: run.smoothed(\.dOfGzBefore), color: fake),
            ])
    }

    /// The smoothed loss of every variant's first seed on one chart.
    private mutating func acrossVariants(
        _ value: KeyPath<HistoryRow, Float>, name: String, file: String
    ) -> Block {
        let series = artifacts.runsByVariant.compactMap { variant, _ -> LineChart.Series? in
            guard let run = artifacts.historyRun(variant) else { return nil }
            return .init(
                name: variant, points: run.smoothed { $0[keyPath: value] },
                color: ChartPalette.color(artifacts.colorIndex(variant)))
        }
        var chart = LineChart(
            title: "\(name) loss across variants (smoothed, first seed)", xLabel: "iteration",
            yLabel: "BCE loss", series: series)
        chart.width = 600
        chart.height = 360
        chart.logarithmicY = Self.spansDecades(series)
        let path = "figures/\(file).svg"
        files.append(FigureFile(path: path, data: Data(chart.svg().utf8)))
        return .figure(path: path, alt: chart.title, caption: nil, width: 600)
    }

    /// Per variant the mean cheap FID per epoch over seeds (solid) and each seed (faint).
    private mutating func fidOverEpochs() -> Block {
        var series: [LineChart.Series] = []
        for (variant, runs) in artifacts.runsByVariant {
            let color = ChartPalette.color(artifacts.colorIndex(variant))
            let scored = runs.map(\.result.epochScores).filter { !$0.isEmpty }
            guard !scored.isEmpty else { continue }
            for scores in scored where scored.count > 1 {
                series.append(.init(
                    name: variant, points: scores.map { (Double($0.epoch), $0.fid) },
                    color: color, faint: true))
            }
            let epochs = Set(scored.flatMap { $0.map(\.epoch) }).sorted()
            let means = epochs.map { epoch -> (x: Double, y: Double) in
                let values = scored.compactMap { $0.first { $0.epoch == epoch }?.fid }
                    .filter(\.isFinite)
                return (Double(epoch), Statistics.mean(values))
            }
            series.append(.init(name: variant, points: means, color: color))
        }
        guard !series.isEmpty else {
            return .paragraph(["No per-epoch FID was recorded."])
        }
        let samples = artifacts.results.runs.flatMap(\.epochScores).first?.samples ?? 0
        var chart = LineChart(
            title: "FID (FMNIST-CNN) after each epoch", xLabel: "epoch", yLabel: "FID",
            series: series)
        chart.width = 900
        chart.logarithmicY = Self.spansDecades(series)
        let path = "figures/fid-over-epochs.svg"
        files.append(FigureFile(path: path, data: Data(chart.svg().utf8)))
        let caption = "Cheap FID after each epoch from \(HTML.thousands(samples)) generated "
            + "images; solid lines are the mean over seeds, faint lines single seeds. "
            + "Lower is better."
        return .figure(path: path, alt: chart.title, caption: caption, width: 900)
    }

    /// The share of final samples the classifier puts in each class, mean over seeds.
    private mutating func classDistribution() -> Block {
        let classes = FashionMNIST.classNames
        let series = artifacts.runsByVariant.compactMap { variant, runs -> (String, [Double])? in
            let shares = runs.compactMap(\.result.final).map { metrics -> [Double] in
                let total = Double(max(metrics.classCounts.reduce(0, +), 1))
                return metrics.classCounts.map { 100 * Double($0) / total }
            }.filter { $0.count == classes.count }
            guard !shares.isEmpty else { return nil }
            let mean = classes.indices.map { c in Statistics.mean(shares.map { $0[c] }) }
            return (variant, mean)
        }
        guard !series.isEmpty else {
            return .paragraph(["No run has final metrics, so there is no class distribution."])
        }
        var chart = BarChart(
            title: "Generated samples per predicted class", xLabel: "class",
            yLabel: "% of samples", categories: classes,
            series: series.map { (name: $0.0, values: $0.1) })
        chart.colors = series.map { ChartPalette.color(artifacts.colorIndex($0.0)) }
        chart.width = 900
        let path = "figures/class-distribution.svg"
        files.append(FigureFile(path: path, data: Data(chart.svg().utf8)))
        let caption = "Share of the final generated samples assigned to each class by the "
            + "FMNIST classifier (mean over seeds); a generator covering the data evenly "
            + "puts 10% in each."
        return .figure(path: path, alt: chart.title, caption: caption, width: 900)
    }

    /// Whether positive values range over more than a factor of 30 (a log axis reads better).
    static func spansDecades(_ series: [LineChart.Series]) -> Bool {
        let ys = series.flatMap(\.points).map(\.y).filter { $0.isFinite }
        guard let low = ys.min(), let high = ys.max(), low > 0 else { return false }
        return high / low > 30
    }
}
