/// Pooling of channel-major maps for inference. Every (channel, image) pair is one plane,
/// so these are the NCHW pooling rules applied plane by plane, in parallel.
extension ChannelMajorKernels {
    /// Which reduction a pooling window applies.
    public enum Pooling: Sendable {
        /// Maximum; padding counts as −∞.
        case max
        /// Mean over the window's positions inside the image (`count_include_pad=False`).
        case average
    }

    /// Output side of a pooling window over `size` values.
    public static func pooledSize(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (size + 2 * padding - kernel) / stride + 1
    }

    /// Pools `x` with a square window into channels `offset..<offset + x.channels` of `y`.
    public static func pool(
        _ x: ChannelMajorMap, _ kind: Pooling, kernel: Int, stride: Int, padding: Int,
        into y: ChannelMajorMap, offset: Int
    ) {
        precondition(
            y.height == pooledSize(x.height, kernel: kernel, stride: stride, padding: padding)
                && y.width == pooledSize(x.width, kernel: kernel, stride: stride, padding: padding)
                && y.batch == x.batch && offset + x.channels <= y.channels,
            "pool: output map does not fit the input")
        let geometry = PlaneGeometry(
            inHeight: x.height, inWidth: x.width, outHeight: y.height, outWidth: y.width,
            kernel: kernel, stride: stride, padding: padding)
        let planes = x.channels * x.batch
        switch kind {
        case .max:
            poolPlanes(MaxWindow.self, x.storage.data, planes: planes, geometry, y.channel(offset))
        case .average:
            poolPlanes(
                AverageWindow.self, x.storage.data, planes: planes, geometry, y.channel(offset))
        }
    }

    /// Sizes and windows shared by every plane of one pooling.
    struct PlaneGeometry {
        let inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int
        /// Each output row's and column's window, clipped to the input.
        let rows: [Range<Int>], cols: [Range<Int>]

        init(
            inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int, kernel: Int,
            stride: Int, padding: Int
        ) {
            (self.inHeight, self.inWidth) = (inHeight, inWidth)
            (self.outHeight, self.outWidth) = (outHeight, outWidth)
            let clip = { (o: Int, size: Int) -> Range<Int> in
                let start = o * stride - padding
                return Swift.max(start, 0)..<Swift.min(start + kernel, size)
            }
            rows = (0..<outHeight).map { clip($0, inHeight) }
            cols = (0..<outWidth).map { clip($0, inWidth) }
        }
    }

    /// Separable pooling, generic so each reduction compiles to its own branch-free loops:
    /// reduce along each input row into `across`, then combine whole rows of `across`
    /// (contiguous, so that pass vectorises).
    @inline(__always)
    static func poolPlanes<R: WindowReduction>(
        _: R.Type, _ src: UnsafePointer<Float>, planes: Int, _ g: PlaneGeometry,
        _ dst: UnsafeMutablePointer<Float>
    ) {
        let inPlane = g.inHeight * g.inWidth, outPlane = g.outHeight * g.outWidth
        let columnCounts = g.cols.map { Float($0.count) }
        Engine.parallelFor(planes) { range in
            let across = UnsafeMutablePointer<Float>.allocate(capacity: g.inHeight * g.outWidth)
            defer { across.deallocate() }
            for p in range {
                let s = src + p * inPlane
                for ih in 0..<g.inHeight {
                    let line = s + ih * g.inWidth, out = across + ih * g.outWidth
                    for (ow, window) in g.cols.enumerated() {
                        var value = R.identity
                        for iw in window { value = R.combine(value, line[iw]) }
                        out[ow] = value
                    }
                }
                let d = dst + p * outPlane
                for (oh, window) in g.rows.enumerated() {
                    let out = d + oh * g.outWidth
                    out.update(repeating: R.identity, count: g.outWidth)
                    for ih in window {
                        let row = across + ih * g.outWidth
                        for ow in 0..<g.outWidth { out[ow] = R.combine(out[ow], row[ow]) }
                    }
                    let rowCount = Float(window.count)
                    for ow in 0..<g.outWidth {
                        out[ow] = R.finish(out[ow], count: rowCount * columnCounts[ow])
                    }
                }
            }
        }
    }

    /// The mean of every plane, as [batch, channels] row-major (global average pooling).
    /// Sums in double: a float running sum drifts by ~1e-4 over a 73x73 plane.
    public static func globalAverage(_ x: ChannelMajorMap) -> [Float] {
        var result = [Float](repeating: 0, count: x.batch * x.channels)
        for c in 0..<x.channels {
            for n in 0..<x.batch {
                let s = x.channel(c) + n * x.plane
                var total = 0.0
                for i in 0..<x.plane { total += Double(s[i]) }
                result[n * x.channels + c] = Float(total / Double(x.plane))
            }
        }
        return result
    }
}

/// How a pooling window's values combine.
protocol WindowReduction {
    static var identity: Float { get }
    static func combine(_ a: Float, _ b: Float) -> Float
    /// The window's result from its combined values and how many there were.
    static func finish(_ combined: Float, count: Float) -> Float
}

/// Max pooling: padding never wins.
enum MaxWindow: WindowReduction {
    static var identity: Float { -.infinity }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
    @inline(__always) static func finish(_ combined: Float, count: Float) -> Float { combined }
}

/// Average pooling over the positions inside the image (`count_include_pad=False`).
enum AverageWindow: WindowReduction {
    static var identity: Float { 0 }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func finish(_ combined: Float, count: Float) -> Float {
        combined / count
    }
}
