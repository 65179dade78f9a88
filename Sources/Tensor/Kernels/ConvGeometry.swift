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

    /// The kernel covers the whole unpadded input and the output is one value per channel (a
    /// DCGAN's first and last layers): each image's patch is its input as it lies in memory,
    /// so the convolution is a plain matrix product, without unfolding.
    var isDense: Bool {
        outHeight == 1 && outWidth == 1 && padHeight == 0 && padWidth == 0
            && kernelHeight == inHeight && kernelWidth == inWidth
    }

    /// Multiply-adds of one forward pass (each of the three kernels costs the same).
    public var multiplyAdds: Int { outChannels * patchSize * columns }
}
