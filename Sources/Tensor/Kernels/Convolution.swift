/// The shape of one 2-D convolution seen from its forward direction: an input x
/// [batch, inChannels, inHeight, inWidth] and weights [outChannels, inChannels, kH, kW]
/// give y [batch, outChannels, outHeight, outWidth].
///
/// A transposed convolution is the input-gradient of a convolution, so it uses the same
/// geometry with the roles swapped: its input is this geometry's y, its output this x.
public struct ConvGeometry: Equatable, Sendable {
    public var batch: Int
    public var inChannels: Int, outChannels: Int
    public var inHeight: Int, inWidth: Int
    public var outHeight: Int, outWidth: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var strideHeight: Int, strideWidth: Int
    public var padHeight: Int, padWidth: Int

    public init(
        batch: Int, inChannels: Int, outChannels: Int, inHeight: Int, inWidth: Int,
        outHeight: Int, outWidth: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    ) {
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outHeight = outHeight
        self.outWidth = outWidth
        (kernelHeight, kernelWidth) = kernel
        (strideHeight, strideWidth) = stride
        (padHeight, padWidth) = padding
    }

    /// Output size of a convolution: (in + 2·pad − kernel) / stride + 1.
    public static func convolutionOutput(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (size + 2 * padding - kernel) / stride + 1
    }

    /// Output size of a transposed convolution: (in − 1)·stride − 2·pad + kernel + outputPadding.
    public static func transposedOutput(
        _ size: Int, kernel: Int, stride: Int, padding: Int, outputPadding: Int
    ) -> Int {
        (size - 1) * stride - 2 * padding + kernel + outputPadding
    }

    var patchSize: Int { inChannels * kernelHeight * kernelWidth }
    var outPlane: Int { outHeight * outWidth }
    var columns: Int { batch * outPlane }
    public var xShape: [Int] { [batch, inChannels, inHeight, inWidth] }
    public var yShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    public var weightShape: [Int] { [outChannels, inChannels, kernelHeight, kernelWidth] }

    /// Output columns [first, last) whose input column ow·stride − pad + j lies inside the
    /// input, for kernel column j.
    @inline(__always)
    func validOutputColumns(kernelColumn j: Int) -> (Int, Int) {
        let offset = j - padWidth
        let first = offset >= 0 ? 0 : (-offset + strideWidth - 1) / strideWidth
        let limit = inWidth - offset  // need ow·stride < limit
        let last = limit <= 0 ? 0 : min(outWidth, (limit + strideWidth - 1) / strideWidth)
        return (min(first, last), last)
    }

    /// Multiply-adds of one forward pass (each of the three kernels costs the same).
    public var multiplyAdds: Int { outChannels * patchSize * columns }
}

/// Convolution kernels by im2col + one GEMM over the whole batch.
///
/// Layouts: `cols` is [inChannels·kH·kW, batch·outH·outW]; a batched GEMM result is
/// [outChannels, batch·outH·outW] and is permuted to NCHW.
public enum ConvolutionKernels {
    /// The unfolded input [inChannels·kH·kW, batch·outH·outW], which the forward pass and
    /// the weight gradient both multiply: computed once, it serves both.
    public static func columns(_ g: ConvGeometry, x: UnsafePointer<Float>) -> Tensor {
        let cols = Tensor(uninitialized: [g.patchSize, g.columns])
        im2col(g, x: x, cols: cols.data)
        return cols
    }

    /// y = conv(x, w) from x's columns.
    public static func forward(
        _ g: ConvGeometry, columns cols: Tensor, weight: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>
    ) {
        let product = Tensor(uninitialized: [g.outChannels, g.columns])
        GEMM.multiply(weight, transposeA: false, cols.data, transposeB: false, into: product.data,
                      m: g.outChannels, n: g.columns, k: g.patchSize)
        channelMajorToBatchMajor(product.data, y, batch: g.batch, channels: g.outChannels, plane: g.outPlane)
    }

    /// dx = conv_input_grad(dy, w): also a transposed convolution's forward pass.
    public static func inputGradient(
        _ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>
    ) {
        let dyT = Tensor(uninitialized: [g.outChannels, g.columns])
        batchMajorToChannelMajor(dy, dyT.data, batch: g.batch, channels: g.outChannels, plane: g.outPlane)
        let cols = Tensor(uninitialized: [g.patchSize, g.columns])
        GEMM.multiply(weight, transposeA: true, dyT.data, transposeB: false, into: cols.data,
                      m: g.patchSize, n: g.columns, k: g.outChannels)
        col2im(g, cols: cols.data, x: dx)
    }

    /// dw = conv_weight_grad(x, dy) from x's columns.
    public static func weightGradient(
        _ g: ConvGeometry, columns cols: Tensor, dy: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>
    ) {
        let dyT = Tensor(uninitialized: [g.outChannels, g.columns])
        batchMajorToChannelMajor(dy, dyT.data, batch: g.batch, channels: g.outChannels, plane: g.outPlane)
        GEMM.multiply(dyT.data, transposeA: false, cols.data, transposeB: true, into: dw,
                      m: g.outChannels, n: g.patchSize, k: g.columns)
    }

    /// Unfolds every receptive field of x into a column of `cols` (zeros for padding).
    static func im2col(_ g: ConvGeometry, x: UnsafePointer<Float>, cols: UnsafeMutablePointer<Float>) {
        let kernelArea = g.kernelHeight * g.kernelWidth
        let plane = g.inHeight * g.inWidth
        Engine.parallelFor(g.patchSize, grain: max(1, 4096 / max(g.columns, 1))) { rows in
            for r in rows {
                let c = r / kernelArea
                let i = (r / g.kernelWidth) % g.kernelHeight
                let j = r % g.kernelWidth
                let (first, last) = g.validOutputColumns(kernelColumn: j)
                for n in 0..<g.batch {
                    let src = x + (n * g.inChannels + c) * plane
                    let dst = cols + r * g.columns + n * g.outPlane
                    for oh in 0..<g.outHeight {
                        let ih = oh * g.strideHeight - g.padHeight + i
                        let row = dst + oh * g.outWidth
                        guard ih >= 0 && ih < g.inHeight, first < last else {
                            row.update(repeating: 0, count: g.outWidth)
                            continue
                        }
                        // Columns outside [first, last) read padding; inside, input column
                        // ow·stride − pad + j is in range, so the copy needs no bounds test.
                        if first > 0 { row.update(repeating: 0, count: first) }
                        if last < g.outWidth { (row + last).update(repeating: 0, count: g.outWidth - last) }
                        let srcRow = src + ih * g.inWidth - g.padWidth + j
                        if g.strideWidth == 1 {
                            (row + first).update(from: srcRow + first, count: last - first)
                        } else {
                            for ow in first..<last { row[ow] = srcRow[ow * g.strideWidth] }
                        }
                    }
                }
            }
        }
    }

    /// Folds columns back, summing every contribution into x (which it overwrites).
    static func col2im(_ g: ConvGeometry, cols: UnsafePointer<Float>, x: UnsafeMutablePointer<Float>) {
        let plane = g.inHeight * g.inWidth
        // Parallel over input channels: each channel's rows write a disjoint part of x, and
        // the order of the sums within a channel is fixed, so results do not depend on threads.
        Engine.parallelFor(g.inChannels) { channels in
            for c in channels {
                for n in 0..<g.batch { (x + (n * g.inChannels + c) * plane).update(repeating: 0, count: plane) }
                for i in 0..<g.kernelHeight {
                    for j in 0..<g.kernelWidth {
                        let r = (c * g.kernelHeight + i) * g.kernelWidth + j
                        let (first, last) = g.validOutputColumns(kernelColumn: j)
                        guard first < last else { continue }
                        for n in 0..<g.batch {
                            let dst = x + (n * g.inChannels + c) * plane
                            let src = cols + r * g.columns + n * g.outPlane
                            for oh in 0..<g.outHeight {
                                let ih = oh * g.strideHeight - g.padHeight + i
                                guard ih >= 0 && ih < g.inHeight else { continue }
                                let dstRow = dst + ih * g.inWidth - g.padWidth + j
                                let srcRow = src + oh * g.outWidth
                                if g.strideWidth == 1 {
                                    for ow in first..<last { dstRow[ow] += srcRow[ow] }
                                } else {
                                    for ow in first..<last { dstRow[ow * g.strideWidth] += srcRow[ow] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// [channels, batch, plane] -> [batch, channels, plane].
    static func channelMajorToBatchMajor(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int
    ) {
        Engine.parallelFor(channels, grain: max(1, 16384 / max(batch * plane, 1))) { range in
            for c in range {
                for n in 0..<batch {
                    (dst + (n * channels + c) * plane).update(from: src + (c * batch + n) * plane, count: plane)
                }
            }
        }
    }

    /// [batch, channels, plane] -> [channels, batch, plane].
    static func batchMajorToChannelMajor(
        _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int
    ) {
        Engine.parallelFor(channels, grain: max(1, 16384 / max(batch * plane, 1))) { range in
            for c in range {
                for n in 0..<batch {
                    (dst + (c * batch + n) * plane).update(from: src + (n * channels + c) * plane, count: plane)
                }
            }
        }
    }
}
