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
        let src = x.storage.data
        let dst = y.channel(offset)
        let rows = windows(
            y.height, inSize: x.height, kernel: kernel, stride: stride, padding: padding)
        let cols = windows(
            y.width, inSize: x.width, kernel: kernel, stride: stride, padding: padding)
        Engine.parallelFor(planes) { range in
            // Separable: reduce along rows into `across`, then down the columns of that.
            let across = UnsafeMutablePointer<Float>.allocate(capacity: x.height * y.width)
            defer { across.deallocate() }
            for p in range {
                let s = src + p * x.plane
                for ih in 0..<x.height {
                    for (ow, window) in cols.enumerated() {
                        across[ih * y.width + ow] = reduce(s + ih * x.width, 1, window, kind)
                    }
                }
                let d = dst + p * y.plane
                for (oh, window) in rows.enumerated() {
                    for ow in 0..<y.width {
                        var value = reduce(across + ow, y.width, window, kind)
                        if kind == .average { value /= Float(window.count * cols[ow].count) }
                        d[oh * y.width + ow] = value
                    }
                }
            }
        }
    }

    /// Each output's window clipped to the input.
    static func windows(_ count: Int, inSize: Int, kernel: Int, stride: Int, padding: Int)
        -> [Range<Int>]
    {
        (0..<count).map { o in
            let start = o * stride - padding
            return max(start, 0)..<min(start + kernel, inSize)
        }
    }

    /// Max or sum of the values at `window` (in steps of `step`) from `s`.
    @inline(__always)
    static func reduce(
        _ s: UnsafePointer<Float>, _ step: Int, _ window: Range<Int>, _ kind: Pooling
    ) -> Float {
        var result: Float = kind == .max ? -.infinity : 0
        for i in window {
            let v = s[i * step]
            result = kind == .max ? Swift.max(result, v) : result + v
        }
        return result
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
