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
        let planes = x.channels * x.batch
        let src = x.storage.data, dst = y.channel(offset)
        Engine.parallelFor(planes) { range in
            for p in range {
                let s = src + p * x.plane
                let d = dst + p * y.plane
                for oh in 0..<y.height {
                    let top = oh * stride - padding
                    let rows = max(top, 0)..<min(top + kernel, x.height)
                    for ow in 0..<y.width {
                        let left = ow * stride - padding
                        let cols = max(left, 0)..<min(left + kernel, x.width)
                        d[oh * y.width + ow] = reduce(s, width: x.width, rows, cols, kind)
                    }
                }
            }
        }
    }

    @inline(__always)
    static func reduce(
        _ s: UnsafePointer<Float>, width: Int, _ rows: Range<Int>, _ cols: Range<Int>,
        _ kind: Pooling
    ) -> Float {
        switch kind {
        case .max:
            var best = -Float.infinity
            for r in rows { for c in cols { best = Swift.max(best, s[r * width + c]) } }
            return best
        case .average:
            var total: Float = 0
            for r in rows { for c in cols { total += s[r * width + c] } }
            return total / Float(rows.count * cols.count)
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
