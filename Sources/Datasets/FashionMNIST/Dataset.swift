import Foundation

/// Both splits of Fashion-MNIST, loaded together (on two threads).
public struct FashionMNISTData: Sendable {
    /// The 60,000 training images.
    public let train: LabelledImages
    /// The 10,000 test images.
    public let test: LabelledImages

    /// The split asked for.
    public subscript(split: FashionMNIST.Split) -> LabelledImages {
        split == .train ? train : test
    }

    /// Files whose checksum differs from the published one (empty when all verify).
    public var checksumMismatches: [FashionMNIST.DataFile] {
        [
            (FashionMNIST.DataFile.trainImages, train.imagesSHA256),
            (.trainLabels, train.labelsSHA256), (.testImages, test.imagesSHA256),
            (.testLabels, test.labelsSHA256),
        ].filter { $0.0.sha256 != $0.1 }.map(\.0)
    }

    /// Loads both splits; the train and test files are read and hashed in parallel.
    public static func load(from location: DataLocation, checksums: LabelledImages.ChecksumPolicy)
        throws -> FashionMNISTData
    {
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let split: FashionMNIST.Split = i == 0 ? .train : .test
            let result = Result {
                try LabelledImages.load(split, from: location, checksums: checksums)
            }
            results.set(i, result)
        }
        return FashionMNISTData(train: try results.get(0), test: try results.get(1))
    }

    /// Two results written from two threads under a lock.
    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<LabelledImages, Error>?] = [nil, nil]

        func set(_ i: Int, _ result: Result<LabelledImages, Error>) {
            lock.withLock { slots[i] = result }
        }

        func get(_ i: Int) throws -> LabelledImages {
            try lock.withLock { slots[i]! }.get()
        }
    }
}
