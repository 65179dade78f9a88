import Tensor

/// The FID standard: pool3 features of pytorch-fid's Inception-v3, with its preprocessing
/// (gray to three equal channels, bilinear resize to 299x299 without antialias, [-1, 1]).
public struct InceptionFeatureExtractor: FeatureExtractor {
    /// "inception-pool3".
    public let name = "inception-pool3"
    /// 2048.
    public let dimension = InceptionV3.dimension
    /// The network, weights loaded.
    public let network: InceptionV3
    /// Images per forward pass: larger batches use BLAS better, smaller ones less memory
    /// (about 15 MB of activations per image at 299x299, plus at most 64 MB of patches).
    public let batchSize: Int

    /// An extractor over a loaded network (see `InceptionWeights.load`).
    public init(network: InceptionV3, batchSize: Int = 16) {
        precondition(batchSize > 0, "InceptionFeatureExtractor: batch size must be positive")
        network.prepareInference()
        self.network = network
        self.batchSize = batchSize
    }

    public func features(images: [Float], count: Int, side: Int) -> [Float] {
        precondition(
            images.count == count * side * side,
            "features: \(images.count) pixels for \(count) images of \(side)x\(side)")
        var result: [Float] = []
        result.reserveCapacity(count * dimension)
        for first in stride(from: 0, to: count, by: batchSize) {
            let n = min(batchSize, count - first)
            let batch = images.withUnsafeBufferPointer {
                Self.preprocess($0.baseAddress! + first * side * side, count: n, side: side)
            }
            result += network.features(batch)
        }
        return result
    }

    /// pytorch-fid's input pipeline on gray images in [-1, 1]: back to [0, 1] (its
    /// `ToTensor` range), bilinear to 299x299, then 2x − 1, copied to three channels.
    public static func preprocess(
        _ pixels: UnsafePointer<Float>, count: Int, side: Int
    ) -> ChannelMajorMap {
        let unit = Tensor(uninitialized: [count, 1, side, side])
        for i in 0..<unit.count { unit.data[i] = (pixels[i] + 1) * 0.5 }

        let s = InceptionV3.inputSide
        let map = ChannelMajorMap(channels: 3, batch: count, height: s, width: s)
        let red = map.channel(0)
        BilinearInterpolation.resizePlanes(
            unit.data, planes: count, inHeight: side, inWidth: side,
            into: red, outHeight: s, outWidth: s)
        let planeValues = count * s * s
        for i in 0..<planeValues { red[i] = 2 * red[i] - 1 }
        map.channel(1).update(from: red, count: planeValues)
        map.channel(2).update(from: red, count: planeValues)
        return map
    }
}
