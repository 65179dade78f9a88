import Evaluation
import Formats
import Foundation
import Tensor
import TestSupport
import XCTest

/// The FID Inception port against shared/reference/fid: pytorch-fid's network with weights
/// generated from the manifest's formula, run on four 28x28 gray images.
final class InceptionTests: XCTestCase {
    static let directory = SharedData.reference("fid")
    static let generator = Result {
        try GeneratedInceptionWeights(manifest: directory.appendingPathComponent("manifest.json"))
    }
    static let io = Result {
        try SafeTensors.read(directory.appendingPathComponent("fid_reference_io.safetensors"))
            .tensors
    }

    /// The generated weights as a state dict, each tensor checked against the manifest.
    static let stateDict = Result { () throws -> [String: StoredTensor] in
        var state: [String: StoredTensor] = [:]
        for entry in try generator.get().entries {
            state[entry.key] = StoredTensor(
                shape: entry.shape, floats: try generator.get().values(entry))
        }
        return state
    }

    func reference(_ key: String) throws -> [Float] {
        let tensors = try Self.io.get()
        return try XCTUnwrap(tensors[key], "\(key) missing from the reference file").floats()
    }

    func testGeneratedWeightsMatchManifest() throws {
        let generator = try Self.generator.get()
        XCTAssertEqual(generator.entries.count, 470)
        for entry in generator.entries {
            let values = generator.values(entry)
            let digest = SHA256.hexDigest(GeneratedInceptionWeights.littleEndianBytes(values))
            XCTAssertEqual(digest, entry.sha256, "\(entry.key): sha256 of generated values")
            let sum = values.reduce(0.0) { $0 + Double($1) }
            // Summation order differs from numpy's pairwise sum: 1e-9 relative.
            XCTAssertEqual(sum, entry.sum, accuracy: 1e-9 * max(1, abs(entry.sum)), entry.key)
            // The manifest prints float32 values as decimals; compare after rounding back.
            XCTAssertEqual(Array(values.prefix(3)), entry.first3.map { Float($0) }, entry.key)
        }
    }

    func testStateNamesAreThoseOfTheGeneratedFile() throws {
        let names = Set(
            InceptionV3().namedState().map(\.name).filter { !$0.hasSuffix("num_batches_tracked") })
        XCTAssertEqual(names, Set(try Self.generator.get().entries.map(\.key)))
    }

    func testResizeMatchesTorch() throws {
        let input = Tensor(shape: [4, 1, 28, 28], values: try reference("input01_gray"))
        let resized = BilinearInterpolation.forward(input, height: 299, width: 299)
        // Same float32 arithmetic as ATen's kernel: at most one rounding apart.
        XCTAssertNil(
            mismatch(
                "resized299", expected: try reference("resized299_gray"),
                observed: resized.values, abs: 1e-6, rel: 0))
    }

    func testFeaturesMatchPyTorch() throws {
        let network = try InceptionWeights.load(
            stateDict: Self.stateDict.get(), source: "generated")
        // Batch size 3 so the four images go through two batches.
        let extractor = InceptionFeatureExtractor(network: network, batchSize: 3)
        let pixels = try reference("input01_gray").map { 2 * $0 - 1 }

        let features = extractor.features(images: pixels, count: 4, side: 28)

        // Float32 against float32 torch; float32 and float64 torch differ by 2.6e-6 here.
        let expected = try reference("features2048")
        XCTAssertNil(
            mismatch("features2048", expected: expected, observed: features, abs: 1e-4, rel: 0))
        XCTAssertNil(
            mismatch(
                "features2048 (aim)", expected: expected, observed: features, abs: 1e-5, rel: 0))
    }

    func testBlockOutputsMatchPyTorch() throws {
        let network = try InceptionWeights.load(
            stateDict: Self.stateDict.get(), source: "generated")
        let pixels = try reference("input01_gray").map { 2 * $0 - 1 }
        let input = pixels.withUnsafeBufferPointer {
            InceptionFeatureExtractor.preprocess($0.baseAddress!, count: 4, side: 28)
        }
        let blocks = network.inferBlocks(input)

        for (b, block) in blocks.prefix(3).enumerated() {
            let nchw = block.batchMajor()
            let image3 = Array(nchw.values[(3 * nchw.count / 4)...])
            XCTAssertNil(
                mismatch(
                    "block\(b) image 3", expected: try reference("block\(b)_img3"),
                    observed: image3, abs: 1e-4, rel: 0))
            let means = ChannelMajorKernels.globalAverage(block)
            XCTAssertNil(
                mismatch(
                    "block\(b) spatial means", expected: try reference("block\(b)_spatialmean"),
                    observed: means, abs: 1e-5, rel: 0))
        }
    }

    /// The autodiff path (unfused BatchNorm, NCHW ops) computes the same features.
    func testAutodiffPathMatchesPyTorch() throws {
        let network = try InceptionWeights.load(
            stateDict: Self.stateDict.get(), source: "generated")
        let image = Tensor(
            shape: [1, 1, 28, 28], values: Array(try reference("input01_gray")[(3 * 784)...]))
        let resized = BilinearInterpolation.forward(image, height: 299, width: 299).values.map {
            2 * $0 - 1
        }
        let rgb = Variable(Tensor(shape: [1, 3, 299, 299], values: resized + resized + resized))

        let features = GradMode.withoutGradients { network(rgb) }

        let expected = Array(try reference("features2048")[(3 * 2048)...])
        XCTAssertEqual(features.shape, [1, 2048, 1, 1])
        XCTAssertNil(
            mismatch(
                "features2048 image 3", expected: expected, observed: features.value.values,
                abs: 1e-4, rel: 0))
    }
}
