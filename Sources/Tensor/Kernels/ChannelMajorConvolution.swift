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
    /// Most bytes of unfolded patches held at once; larger images are unfolded in groups.
    static let columnBudget = 64 << 20

    /// relu(conv(x, w) + bias) written to output channels `offset..<offset + out` of `y`.
    /// `weight` is [out, in·kH·kW]; `y` must have x's batch and the output size.
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
        let oPlane = y.plane
        let total = x.batch * oPlane
        let perImage = patch * oPlane * MemoryLayout<Float>.stride
        let group = pointwise ? x.batch : max(1, min(x.batch, columnBudget / max(perImage, 1)))
        let cols = pointwise ? nil : Tensor(uninitialized: [patch, group * oPlane])
        let product = group < x.batch ? Tensor(uninitialized: [out, group * oPlane]) : nil

        for first in Swift.stride(from: 0, to: x.batch, by: group) {
            let count = min(group, x.batch - first)
            var b: UnsafePointer<Float> = UnsafePointer(x.storage.data)
            if let cols {
                unfold(
                    x, images: first..<(first + count), kernel: kernel, stride: stride,
                    padding: padding, outHeight: y.height, outWidth: y.width, into: cols.data)
                b = UnsafePointer(cols.data)
            }
            guard let product else {
                GEMM.multiply(
                    weight.data, transposeA: false, b, transposeB: false,
                    into: y.channel(offset), m: out, n: total, k: patch)
                continue
            }
            // A group of images fills part of every output row: multiply, then place.
            let width = count * oPlane
            GEMM.multiply(
                weight.data, transposeA: false, b, transposeB: false, into: product.data,
                m: out, n: width, k: patch)
            for r in 0..<out {
                (y.channel(offset) + r * total + first * oPlane).update(
                    from: product.data + r * width, count: width)
            }
        }
        addBiasReLU(y.channel(offset), bias: bias.data, rows: out, length: total)
    }

    /// im2col for images `images` of a channel-major map: row (c, i, j) of `cols` holds
    /// x[c, n, oh·s − p + i, ow·s − p + j] for every (n, oh, ow), zero outside the image.
    static func unfold(
        _ x: ChannelMajorMap, images: Range<Int>, kernel: (Int, Int), stride: (Int, Int),
        padding: (Int, Int), outHeight: Int, outWidth: Int, into cols: UnsafeMutablePointer<Float>
    ) {
        let rows = x.channels * kernel.0 * kernel.1
        let width = images.count * outHeight * outWidth
        Engine.parallelFor(rows) { range in
            for r in range {
                let c = r / (kernel.0 * kernel.1)
                let i = (r / kernel.1) % kernel.0
                let j = r % kernel.1
                let valid = validOutputs(
                    outWidth, inWidth: x.width, stride: stride.1, offset: j - padding.1)
                var dst = cols + r * width
                for n in images {
                    let src = x.channel(c) + n * x.plane
                    for oh in 0..<outHeight {
                        let ih = oh * stride.0 - padding.0 + i
                        guard ih >= 0 && ih < x.height else {
                            dst.update(repeating: 0, count: outWidth)
                            dst += outWidth
                            continue
                        }
                        let line = src + ih * x.width
                        dst.update(repeating: 0, count: valid.lowerBound)
                        if stride.1 == 1 {
                            (dst + valid.lowerBound).update(
                                from: line + valid.lowerBound + j - padding.1, count: valid.count)
                        } else {
                            for ow in valid { dst[ow] = line[ow * stride.1 - padding.1 + j] }
                        }
                        (dst + valid.upperBound).update(
                            repeating: 0, count: outWidth - valid.upperBound)
                        dst += outWidth
                    }
                }
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

    /// row[r][i] = max(row[r][i] + bias[r], 0).
    static func addBiasReLU(
        _ rowsStart: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int,
        length: Int
    ) {
        Engine.parallelFor(rows) { range in
            for r in range {
                let row = rowsStart + r * length
                let b = bias[r]
                for i in 0..<length { row[i] = max(row[i] + b, 0) }
            }
        }
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
