import Datasets
import Formats
import Foundation

/// One figure of the report: its file name, a caption, and its bytes.
struct Figure {
    enum Kind {
        case svg(String)
        case png(PixelImage)
    }
    let file: String
    let caption: String
    let kind: Kind
}

/// Draws the EDA's charts (SVG) and image panels (PNG).
extension EDAAnalysis {
    func figures() -> [Figure] {
        [
            classDistribution(), brightnessByClass(), backgroundByClass(), pixelHistogram(),
            histogramPerClass(),
            samplesPerClass(), classImages(mean: true), classImages(mean: false),
            nearDuplicatePairs(),
        ]
        .compactMap { $0 }
    }

    private func classDistribution() -> Figure {
        let names = FashionMNIST.classNames
        let series = splits.map { split in
            (
                name: split.split.rawValue,
                values: names.indices.map { c in
                    Double(split.labels.filter { $0 == c }.count)
                }
            )
        }
        let chart = BarChart(
            title: "Images per class and split", xLabel: "class",
            yLabel: "images", categories: names, series: series)
        let balance = series.map { s in
            "\(s.name) \(Int(s.values.min() ?? 0))-\(Int(s.values.max() ?? 0)) per class"
        }
        return Figure(
            file: "class_distribution.svg",
            caption: "Class counts per split (" + balance.joined(separator: ", ") + ").",
            kind: .svg(chart.svg()))
    }

    private func brightnessByClass() -> Figure {
        let stats = classAccumulators.map(\.statistics)
        let chart = BarChart(
            title: "Brightness and contrast per class", xLabel: "class",
            yLabel: "pixel value (0-255)",
            categories: FashionMNIST.classNames,
            series: [
                ("mean (brightness)", stats.map(\.mean)), ("std (contrast)", stats.map(\.std)),
            ])
        return Figure(
            file: "class_brightness.svg",
            caption: "Mean and standard deviation of pixel values per class, both splits.",
            kind: .svg(chart.svg()))
    }

    private func backgroundByClass() -> Figure {
        let chart = BarChart(
            title: "Background (zero) pixels per class", xLabel: "class", yLabel: "% of pixels",
            categories: FashionMNIST.classNames,
            series: [("background", classAccumulators.map { $0.statistics.backgroundShare * 100 })]
        )
        return Figure(
            file: "class_background.svg",
            caption: "Percentage of pixels that are exactly 0, per class, both splits.",
            kind: .svg(chart.svg()))
    }

    private func pixelHistogram() -> Figure {
        var chart = Histogram(
            title: "Pixel intensity, all 70,000 images", xLabel: "pixel value",
            yLabel: "pixels (log scale)",
            edges: (0...256).map(Double.init), counts: overall.histogram.map(Double.init))
        chart.logarithmicY = true
        return Figure(
            file: "pixel_histogram.svg",
            caption: "Counts of each of the 256 pixel values; the count axis is "
                + "logarithmic because background zeros dominate.",
            kind: .svg(chart.svg()))
    }

    private func histogramPerClass() -> Figure {
        let series = FashionMNIST.classNames.enumerated().map { c, name in
            let counts = classAccumulators[c].histogram
            let total = Double(max(counts.reduce(0, +), 1))
            return LineChart.Series(name: name, values: counts.map { Double($0) / total })
        }
        var chart = LineChart(
            title: "Pixel intensity per class", xLabel: "pixel value",
            yLabel: "share of pixels (log scale)", series: series)
        chart.logarithmicY = true
        return Figure(
            file: "pixel_histogram_per_class.svg",
            caption: "Share of each pixel value within each class (log scale).",
            kind: .svg(chart.svg()))
    }

    /// Ten training images of each class, one class per row (rows in label order).
    private func samplesPerClass() -> Figure {
        let train = splits[0]
        var floats: [Float] = []
        for c in FashionMNIST.classNames.indices {
            let picks = train.labels.indices.filter { Int(train.labels[$0]) == c }.prefix(10)
            for i in picks { floats += image(i).map { Float($0) / 255 } }
            floats += [Float](repeating: 0, count: (10 - picks.count) * LabelledImages.imageBytes)
        }
        let grid = ImageGrid.make(
            floats, count: floats.count / 784, channels: 1, height: 28,
            width: 28, nrow: 10, normalize: false)
        return Figure(
            file: "samples_per_class.png",
            caption: "The first ten training images of each class; rows in label order ("
                + FashionMNIST.classNames.joined(separator: ", ") + ").",
            kind: .png(grid))
    }

    /// Mean (true brightness) or standard-deviation image (scaled to the largest) per class.
    private func classImages(mean: Bool) -> Figure {
        let images = classAccumulators.map { mean ? $0.meanImage : $0.stdImage }
        let floats = images.flatMap { $0.map { Float($0 / 255) } }
        let top = floats.max() ?? 1
        let grid = ImageGrid.make(
            floats, count: images.count, channels: 1, height: 28, width: 28,
            nrow: 10, normalize: !mean, valueRange: 0...max(top, 1e-6))
        return Figure(
            file: mean ? "mean_per_class.png" : "std_per_class.png",
            caption: mean
                ? "Mean image per class (left to right in label order), on the true 0-255 scale."
                : "Standard-deviation image per class, scaled so the largest value is white: "
                    + "bright where shapes vary.",
            kind: .png(grid))
    }

    /// The closest near-duplicate pairs, each pair side by side, four pairs per row.
    private func nearDuplicatePairs() -> Figure? {
        guard !nearPairs.isEmpty else { return nil }
        let closest = nearPairs.sorted { $0.distance < $1.distance }.prefix(16)
        var floats: [Float] = []
        for pair in closest {
            floats += image(pair.i).map { Float($0) / 255 } + image(pair.j).map { Float($0) / 255 }
        }
        let grid = ImageGrid.make(
            floats, count: closest.count * 2, channels: 1, height: 28,
            width: 28, nrow: 8, normalize: false)
        return Figure(
            file: "near_duplicates.png",
            caption: "The \(closest.count) closest near-duplicate pairs, each pair side by "
                + "side (four pairs per row).",
            kind: .png(grid))
    }
}
