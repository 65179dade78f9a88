import Foundation
import XCTest

@testable import Formats

/// A legacy-format checkpoint assembled opcode by opcode, to cover what the reference files
/// do not: protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL, SHORT_BINUNICODE), a nested dict, a
/// transposed view with an offset, and values that are not tensors.
final class PthPickleTests: XCTestCase {
    private func text(_ s: String) -> [UInt8] {
        [0x8c, UInt8(s.utf8.count)] + Array(s.utf8) + [0x94]  // SHORT_BINUNICODE, MEMOIZE
    }

    private func checkpoint(storageValues: [Float]) -> [UInt8] {
        let magic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]
        var bytes: [UInt8] = [0x80, 0x02, 0x8a, 0x0a] + magic + [0x2e]
        bytes += [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]  // protocol version 1001
        bytes += [0x80, 0x02, 0x7d, 0x2e]  // system info: {}

        var object: [UInt8] = [0x7d, 0x94, 0x28] + text("state_dict") + [0x7d, 0x94] + text("w")
        object += text("torch._utils") + text("_rebuild_tensor_v2") + [0x93, 0x94, 0x28]
        object += [0x28] + text("storage") + text("torch") + text("FloatStorage") + [0x93]
        object += text("0") + text("cpu") + [0x4b, UInt8(storageValues.count), 0x74, 0x51]
        // offset 1, size (2, 2), stride (1, 2), requires_grad False
        object += [0x4b, 0x01, 0x4b, 0x02, 0x4b, 0x02, 0x86, 0x4b, 0x01, 0x4b, 0x02, 0x86, 0x89]
        object += [0x74, 0x52, 0x73]  // TUPLE, REDUCE, SETITEM into the inner dict
        object += text("epoch") + [0x4b, 0x03]
        object += text("loss") + [0x47, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0]  // 0.5, big-endian
        object += [0x75, 0x2e]  // SETITEMS, STOP
        let length = withUnsafeBytes(of: UInt64(object.count).littleEndian, Array.init)
        bytes += [0x80, 0x04, 0x95] + length + object

        bytes += [0x80, 0x02, 0x5d, 0x28] + text("0") + [0x65, 0x2e]  // storage keys ["0"]
        bytes += withUnsafeBytes(of: UInt64(storageValues.count).littleEndian, Array.init)
        for value in storageValues {
            bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
        }
        return bytes
    }

    func testProtocol4NestedDictAndTransposedView() throws {
        let tensors = try PyTorchCheckpoint.decode(
            checkpoint(storageValues: [0, 1, 2, 3, 4, 5]), path: "hand.pth")
        XCTAssertEqual(Array(tensors.keys), ["state_dict.w"], "non-tensor values are left out")
        let w = try XCTUnwrap(tensors["state_dict.w"])
        XCTAssertEqual(w.shape, [2, 2])
        // Element [r][c] is storage[1 + r + 2c].
        XCTAssertEqual(w.floats(), [1, 3, 2, 4])
    }

    func testViewPastItsStorageIsRejected() {
        // The view reaches storage element 1 + 1 + 2 = 4; a 4-element storage ends at 3.
        XCTAssertThrowsError(
            try PyTorchCheckpoint.decode(checkpoint(storageValues: [0, 1, 2, 3]), path: "p")
        ) { error in
            let problem = (error as? FileFormatError)?.problem ?? ""
            XCTAssertTrue(problem.contains("reaches element 4"), problem)
        }
    }
}

extension PthPickleTests {
    /// `d = {}; d['self'] = d`, pickled: the reader must not walk it forever.
    func testSelfContainingDictIsWalkedOnce() {
        let magic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]
        var bytes: [UInt8] = [0x80, 0x02, 0x8a, 0x0a] + magic + [0x2e]
        bytes += [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e, 0x80, 0x02, 0x7d, 0x2e]
        // EMPTY_DICT, BINPUT 0, 'self', BINGET 0, SETITEM, STOP; then an empty key list.
        bytes += [0x80, 0x02, 0x7d, 0x71, 0x00, 0x8c, 0x04] + Array("self".utf8)
        bytes += [0x68, 0x00, 0x73, 0x2e, 0x80, 0x02, 0x5d, 0x2e]
        XCTAssertThrowsError(try PyTorchCheckpoint.decode(bytes, path: "loop.pth")) { error in
            XCTAssertEqual((error as? FileFormatError)?.problem.contains("no tensors"), true)
        }
    }
}
