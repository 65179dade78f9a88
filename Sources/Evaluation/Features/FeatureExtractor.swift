/// A network that embeds images as feature vectors, for FID, KID, precision and recall.
public protocol FeatureExtractor {
    /// A stable label naming the network and layer ("inception-pool3", "fmnist-cnn"), used
    /// in reports and cache keys.
    var name: String { get }
    /// Length of each feature vector.
    var dimension: Int { get }
    /// Features of `count` grayscale `side`x`side` images with pixels in [-1, 1], stored
    /// image after image in row-major order: `count`x`dimension` values, row-major.
    /// Works through the images in batches, so any `count` fits in memory.
    func features(images: [Float], count: Int, side: Int) -> [Float]
}
