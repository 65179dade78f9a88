import Evaluation
import Formats
import Foundation
import TestSupport
import XCTest

/// Weight loading rejects what does not fit, naming the tensor.
final class InceptionWeightsTests: XCTestCase {
    /// A complete state dict of zeros in the network's own names and shapes.
    func zeros() -> [String: StoredTensor] {
        var state: [String: StoredTensor] = [:]
        for (name, parameter) in InceptionV3().namedParameters() {
            state[name] = StoredTensor(
                shape: parameter.shape, floats: [Float](repeating: 0, count: parameter.value.count)
            )
        }
        for (name, entry) in InceptionV3().namedState()
        where name.hasSuffix("running_var") || name.hasSuffix("running_mean") {
            if case .buffer(let t) = entry {
                state[name] = StoredTensor(shape: t.shape, floats: t.values)
            }
        }
        return state
    }

    func testExtraKeysOfTheRealFileAreIgnored() throws {
        var state = zeros()
        state["fc.weight"] = StoredTensor(
            shape: [1008, 2048], floats: [Float](repeating: 0, count: 1008 * 2048))
        state["Mixed_5b.branch1x1.bn.num_batches_tracked"] = StoredTensor(shape: [], int64s: [0])
        XCTAssertNoThrow(try InceptionWeights.load(stateDict: state))
    }

    func testMissingKeyIsNamed() {
        var state = zeros()
        state["Mixed_6c.branch7x7_2.conv.weight"] = nil
        XCTAssertThrowsError(try InceptionWeights.load(stateDict: state, source: "w")) {
            XCTAssertEqual(
                $0 as? InceptionWeightsError,
                .missingKey("Mixed_6c.branch7x7_2.conv.weight", source: "w"))
        }
    }

    func testWrongShapeIsNamed() {
        var state = zeros()
        state["Conv2d_1a_3x3.conv.weight"] = StoredTensor(
            shape: [32, 1, 3, 3], floats: [Float](repeating: 0, count: 288))
        XCTAssertThrowsError(try InceptionWeights.load(stateDict: state, source: "w")) {
            XCTAssertEqual(
                $0 as? InceptionWeightsError,
                .shapeMismatch(
                    "Conv2d_1a_3x3.conv.weight", expected: [32, 3, 3, 3], found: [32, 1, 3, 3],
                    source: "w"))
        }
    }

    func testUnknownKeyIsNamed() {
        var state = zeros()
        state["AuxLogits.conv0.conv.weight"] = StoredTensor(shape: [1], floats: [0])
        XCTAssertThrowsError(try InceptionWeights.load(stateDict: state, source: "w")) {
            XCTAssertEqual(
                $0 as? InceptionWeightsError,
                .unexpectedKey("AuxLogits.conv0.conv.weight", source: "w"))
        }
    }

    func testSafetensorsRoundTripAndUnsupportedFormat() throws {
        let directory = SharedData.temporaryDirectory("inception-weights")
        let file = directory.appendingPathComponent("inception.safetensors")
        try SafeTensors.write(zeros(), to: file)
        XCTAssertNoThrow(try InceptionWeights.load(file))

        let onnx = directory.appendingPathComponent("inception.onnx")
        XCTAssertThrowsError(try InceptionWeights.load(onnx)) {
            XCTAssertEqual($0 as? InceptionWeightsError, .unsupportedFormat(path: onnx.path))
        }
    }

    /// The shared .pth files (legacy pickle stream and zip) hold a shrunken Inception-style
    /// state dict: read through the checkpoint reader, its first key fails the shape check.
    func testPthFilesAreReadAndChecked() throws {
        for name in ["state_dict_legacy.pth", "state_dict_zip.pth"] {
            let file = SharedData.reference("pth").appendingPathComponent(name)
            XCTAssertThrowsError(try InceptionWeights.load(file)) {
                XCTAssertEqual(
                    $0 as? InceptionWeightsError,
                    .shapeMismatch(
                        "Conv2d_1a_3x3.bn.bias", expected: [32], found: [4], source: file.path),
                    "\($0)")
            }
        }
    }
}
