import Datasets
import Tensor

/// Small random image sets for trainer tests that do not need real data.
enum SyntheticImages {
    static func labelled(count: Int, seed: UInt64 = 1) -> LabelledImages {
        var stream = RandomStream(seed: seed)
        let pixels = (0..<(count * 784)).map { _ in UInt8(stream.next() % 256) }
        let labels = (0..<count).map { UInt8($0 % 10) }
        return LabelledImages(split: .train, pixels: pixels, labels: labels, imagesSHA256: "", labelsSHA256: "")
    }
}
