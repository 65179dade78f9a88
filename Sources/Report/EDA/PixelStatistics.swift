/// Pixel statistics of a set of 8-bit images, on the 0...255 scale.
public struct PixelStatistics: Codable, Equatable, Sendable {
    /// Number of images.
    public var images: Int
    /// Mean and standard deviation (population) over every pixel.
    public var mean: Double, std: Double
    /// Smallest and largest pixel value.
    public var min: Int, max: Int
    /// Share of pixels that are exactly 0 (background).
    public var backgroundShare: Double
}

/// Running sums over pixels, merged across classes and splits.
struct PixelAccumulator {
    var images = 0
    var histogram = [Int](repeating: 0, count: 256)
    /// Per-pixel-position sums and sums of squares, for mean and std images.
    var positionSum: [Int]
    var positionSquares: [Int]

    init(pixelsPerImage: Int) {
        positionSum = [Int](repeating: 0, count: pixelsPerImage)
        positionSquares = [Int](repeating: 0, count: pixelsPerImage)
    }

    /// Adds one image.
    mutating func add(_ image: UnsafePointer<UInt8>) {
        images += 1
        for p in 0..<positionSum.count {
            let v = Int(image[p])
            histogram[v] += 1
            positionSum[p] += v
            positionSquares[p] += v * v
        }
    }

    /// Adds another accumulator's counts.
    mutating func merge(_ other: PixelAccumulator) {
        images += other.images
        for v in 0..<256 { histogram[v] += other.histogram[v] }
        for p in positionSum.indices {
            positionSum[p] += other.positionSum[p]
            positionSquares[p] += other.positionSquares[p]
        }
    }

    /// The summary numbers; computed from the histogram, so exact whatever the count.
    var statistics: PixelStatistics {
        let total = histogram.reduce(0, +)
        guard total > 0 else {
            return PixelStatistics(images: 0, mean: 0, std: 0, min: 0, max: 0, backgroundShare: 0)
        }
        var sum = 0.0
        var squares = 0.0
        for v in 0..<256 {
            sum += Double(histogram[v] * v)
            squares += Double(histogram[v] * v * v)
        }
        let mean = sum / Double(total)
        return PixelStatistics(
            images: images, mean: mean,
            std: (Swift.max(squares / Double(total) - mean * mean, 0)).squareRoot(),
            min: histogram.firstIndex { $0 > 0 }!, max: histogram.lastIndex { $0 > 0 }!,
            backgroundShare: Double(histogram[0]) / Double(total))
    }

    /// Mean value at each pixel position.
    var meanImage: [Double] {
        positionSum.map { Double($0) / Double(Swift.max(images, 1)) }
    }

    /// Standard deviation at each pixel position.
    var stdImage: [Double] {
        zip(positionSum, positionSquares).map { sum, squares in
            let n = Double(Swift.max(images, 1))
            let mean = Double(sum) / n
            return Swift.max(Double(squares) / n - mean * mean, 0).squareRoot()
        }
    }
}
