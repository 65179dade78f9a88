/// A batch of feature maps laid out channel-major, [channels, batch, height, width], for
/// inference. In this layout a 1x1 convolution is one GEMM on the activations as they are,
/// a convolution's GEMM result needs no permutation, and concatenating channels means
/// writing each part into consecutive rows of one buffer.
public struct ChannelMajorMap {
    /// Sizes of the four dimensions, outermost first.
    public let channels: Int, batch: Int, height: Int, width: Int
    /// The values, [channels, batch, height, width] row-major.
    public let storage: Tensor

    /// A map with uninitialised contents.
    public init(channels: Int, batch: Int, height: Int, width: Int) {
        self.channels = channels
        self.batch = batch
        self.height = height
        self.width = width
        storage = Tensor(uninitialized: [channels, batch, height, width])
    }

    /// Values in one (channel, image) plane: height · width.
    public var plane: Int { height * width }

    /// First value of channel `c`.
    public func channel(_ c: Int) -> UnsafeMutablePointer<Float> {
        storage.data + c * batch * plane
    }

    /// The map of an NCHW tensor.
    public init(batchMajor x: Tensor) {
        precondition(x.shape.count == 4, "channel-major map of shape \(x.shape)")
        self.init(channels: x.shape[1], batch: x.shape[0], height: x.shape[2], width: x.shape[3])
        ChannelMajorKernels.transpose(
            x.data, storage.data, outer: batch, inner: channels, plane: plane)
    }

    /// The same values as an NCHW tensor.
    public func batchMajor() -> Tensor {
        let t = Tensor(uninitialized: [batch, channels, height, width])
        ChannelMajorKernels.transpose(
            storage.data, t.data, outer: channels, inner: batch, plane: plane)
        return t
    }
}

/// Inference kernels on `ChannelMajorMap`s: convolution with bias and ReLU, pooling.
public enum ChannelMajorKernels {
    /// relu(conv(x, w) + bias) written to output channels `offset..<offset + out` of `y`.
    /// `weight` is [out, in·kH·kW]; `y` must have x's batch and the output size.
    ///
    /// The output columns (batch · outH · outW) are cut into chunks that threads take in turn;
    /// a chunk is unfolded into a buffer that stays in L2, multiplied, and given its bias and
    /// ReLU while still in cache. Unfolding and multiplying the whole batch at once streamed
    /// every operand through memory: packing B took 16% of the time. Each output value is
    /// computed by one chunk in a fixed order, so results do not depend on the threads.
    public static func convolutionReLU(
        _ x: ChannelMajorMap, weight: Tensor, bias: Tensor, kernel: (Int, Int),
        stride: (Int, Int), padding: (Int, Int), into y: ChannelMajorMap, offset: Int
    ) {
        let patch = x.channels * kernel.0 * kernel.1
        let out = weight.shape[0]
        precondition(
            weight.count == out * patch && bias.count == out && y.batch == x.batch,
            "convolution: weight \(weight.shape) for \(x.channels) channels")
        let pointwise = kernel == (1, 1) && stride == (1, 1) && padding == (0, 0)
        let total = x.batch * y.plane
        let w = GEMMLeftOperand(weight.data, transposeA: false, m: out, k: patch)
        // Whole 32-column tiles; the unfolded chunk within ~1 MiB.
        let width = max(32, min(4096, (1 << 18) / max(patch, 1)) / 32 * 32)
        let chunks = (total + width - 1) / width
        let yBase = y.channel(offset), b = bias.data
        Engine.parallelFor(chunks) { range in
            let scratch = ConvolutionScratch.take()
            defer { ConvolutionScratch.give(scratch) }
            for chunk in range {
                let first = chunk * width, count = min(width, total - first)
                if pointwise {
                    GEMM.multiply(w, x.storage.data + first, transposeB: false, into: yBase + first,
                                  n: count, threaded: false, ldb: total, ldc: total)
                } else {
                    let cols = scratch.floats(0, count: patch * count)
                    unfold(x, columns: first..<(first + count), kernel: kernel, stride: stride,
                           padding: padding, outHeight: y.height, outWidth: y.width, into: cols)
                    GEMM.multiply(w, cols, transposeB: false, into: yBase + first, n: count,
                                  threaded: false, ldc: total)
                }
                for r in 0..<out {
                    let row = yBase + r * total + first, shift = b[r]
                    for i in 0..<count { row[i] = max(row[i] + shift, 0) }
                }
            }
        }
    }

    /// im2col for output columns `columns` (positions n·outH·outW + oh·outW + ow) of a
    /// channel-major map: row (c, i, j) of `cols` holds x[c, n, oh·s − p + i, ow·s − p + j]
    /// for each of those positions, zero outside the image.
    static func unfold(
        _ x: ChannelMajorMap, columns: Range<Int>, kernel: (Int, Int), stride: (Int, Int),
        padding: (Int, Int), outHeight: Int, outWidth: Int, into cols: UnsafeMutablePointer<Float>
    ) {
        let rows = x.channels * kernel.0 * kernel.1
        let outPlane = outHeight * outWidth
        for r in 0..<rows {
            let c = r / (kernel.0 * kernel.1)
            let i = (r / kernel.1) % kernel.0
            let j = r % kernel.1
            let valid = validOutputs(outWidth, inWidth: x.width, stride: stride.1, offset: j - padding.1)
            var dst = cols + r * columns.count
            var position = columns.lowerBound
            while position < columns.upperBound {
                // One run: consecutive outputs of one output row.
                let n = position / outPlane, rest = position % outPlane
                let oh = rest / outWidth, start = rest % outWidth
                let end = min(outWidth, start + columns.upperBound - position)
                let ih = oh * stride.0 - padding.0 + i
                if ih < 0 || ih >= x.height {
                    dst.update(repeating: 0, count: end - start)
                } else {
                    let line = x.channel(c) + n * x.plane + ih * x.width - padding.1 + j
                    let lo = min(max(valid.lowerBound, start), end)
                    let hi = max(min(valid.upperBound, end), lo)
                    dst.update(repeating: 0, count: lo - start)
                    if stride.1 == 1 {
                        (dst + lo - start).update(from: line + lo, count: hi - lo)
                    } else {
                        for ow in lo..<hi { dst[ow - start] = line[ow * stride.1] }
                    }
                    (dst + hi - start).update(repeating: 0, count: end - hi)
                }
                dst += end - start
                position += end - start
            }
        }
    }

    /// The outputs o in 0..<count whose input o·stride + offset lies in 0..<inWidth.
    @inline(__always)
    static func validOutputs(_ count: Int, inWidth: Int, stride: Int, offset: Int) -> Range<Int> {
        let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let high = inWidth - 1 - offset < 0 ? 0 : (inWidth - 1 - offset) / stride + 1
        return min(low, count)..<max(min(high, count), min(low, count))
    }

    /// dst[i][o] = src[o][i] for blocks of `plane` values: swaps the first two axes.
    static func transpose(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, outer: Int, inner: Int,
        plane: Int
    ) {
        Engine.parallelFor(inner) { range in
            for i in range {
                for o in 0..<outer {
                    (dst + (i * outer + o) * plane).update(
                        from: src + (o * inner + i) * plane, count: plane)
                }
            }
        }
    }
}
