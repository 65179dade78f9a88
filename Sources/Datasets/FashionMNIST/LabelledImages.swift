import Formats
import Foundation

/// One split as stored: N grayscale 28x28 images (uint8, row-major) and their labels.
public struct LabelledImages: Sendable {
    /// Which split this is.
    public let split: FashionMNIST.Split
    /// Pixels, `count * 28 * 28` bytes, image after image.
    public let pixels: [UInt8]
    /// Labels 0...9, one per image.
    public let labels: [UInt8]
    /// SHA-256 of the images and labels files' uncompressed content.
    public let imagesSHA256: String, labelsSHA256: String

    /// Number of images.
    public var count: Int { labels.count }

    /// A split from pixels already in memory (tests, other sources); sizes must agree.
    public init(
        split: FashionMNIST.Split, pixels: [UInt8], labels: [UInt8],
        imagesSHA256: String = "", labelsSHA256: String = ""
    ) {
        precondition(
            pixels.count == labels.count * LabelledImages.imageBytes,
            "LabelledImages: \(pixels.count) bytes for \(labels.count) images of 28x28")
        self.split = split
        self.pixels = pixels
        self.labels = labels
        self.imagesSHA256 = imagesSHA256
        self.labelsSHA256 = labelsSHA256
    }

    /// Bytes per image.
    public static let imageBytes = FashionMNIST.imageSide * FashionMNIST.imageSide

    /// What to do when a file's checksum differs from the published one.
    public enum ChecksumPolicy: Sendable {
        /// Throw `DatasetError.checksumMismatch`.
        case require
        /// Load anyway; the caller compares `imagesSHA256`/`labelsSHA256` and warns.
        case allowMismatch
    }

    /// Reads a split, checking shapes, label range and checksums.
    public static func load(
        _ split: FashionMNIST.Split, from location: DataLocation, checksums: ChecksumPolicy
    ) throws -> LabelledImages {
        let imagesURL = location.files[split.imagesFile]!
        let labelsURL = location.files[split.labelsFile]!
        let images = try IDXReader.read(imagesURL)
        let labels = try IDXReader.read(labelsURL)
        try check(images, is: split.imagesFile, at: imagesURL)
        try check(labels, is: split.labelsFile, at: labelsURL)

        let hashes = [SHA256.hexDigest(images.content), SHA256.hexDigest(labels.content)]
        if checksums == .require {
            let checks = [
                (split.imagesFile, imagesURL, hashes[0]), (split.labelsFile, labelsURL, hashes[1]),
            ]
            for (file, url, hash) in checks where hash != file.sha256 {
                throw DatasetError.checksumMismatch(
                    path: url.path, expected: file.sha256, actual: hash)
            }
        }

        let labelBytes = labels.bytes
        if let bad = labelBytes.firstIndex(where: { $0 >= FashionMNIST.classNames.count }) {
            throw DatasetError.inconsistent(
                path: labelsURL.path,
                problem: "label \(labelBytes[bad]) at index \(bad) is not in 0...9")
        }
        return LabelledImages(
            split: split, pixels: images.bytes, labels: labelBytes,
            imagesSHA256: hashes[0], labelsSHA256: hashes[1])
    }

    private static func check(_ array: IDXArray, is file: FashionMNIST.DataFile, at url: URL)
        throws
    {
        guard array.elementType == .uint8, array.shape == file.expectedShape else {
            throw DatasetError.inconsistent(
                path: url.path,
                problem: "holds \(array.elementType) of shape \(array.shape), "
                    + "expected uint8 of shape \(file.expectedShape) for \(file.rawValue)")
        }
    }
}
