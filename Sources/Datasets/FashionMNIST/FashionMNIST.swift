/// What Fashion-MNIST is: its four files, their checksums, splits and class names.
public enum FashionMNIST {
    /// Side of the square images in pixels.
    public static let imageSide = 28

    /// The ten class names, indexed by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Where the official files are served (each as `<name>.gz`).
    public static let baseURL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"

    /// The two splits.
    public enum Split: String, CaseIterable, Sendable {
        case train, test

        /// Number of images the split holds.
        public var count: Int { self == .train ? 60_000 : 10_000 }

        /// The file holding the split's images.
        public var imagesFile: DataFile { self == .train ? .trainImages : .testImages }

        /// The file holding the split's labels.
        public var labelsFile: DataFile { self == .train ? .trainLabels : .testLabels }
    }

    /// One of the four IDX files.
    public enum DataFile: String, CaseIterable, Sendable {
        case trainImages = "train-images-idx3-ubyte"
        case trainLabels = "train-labels-idx1-ubyte"
        case testImages = "t10k-images-idx3-ubyte"
        case testLabels = "t10k-labels-idx1-ubyte"

        /// SHA-256 of the uncompressed IDX content, as published with the dataset.
        public var sha256: String {
            switch self {
            case .trainImages:
                return "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
            case .trainLabels:
                return "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
            case .testImages:
                return "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
            case .testLabels:
                return "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
            }
        }

        /// The shape the file must declare.
        public var expectedShape: [Int] {
            switch self {
            case .trainImages: return [60_000, 28, 28]
            case .trainLabels: return [60_000]
            case .testImages: return [10_000, 28, 28]
            case .testLabels: return [10_000]
            }
        }

        /// The download address of the gzip file.
        public var url: String { FashionMNIST.baseURL + rawValue + ".gz" }
    }
}
