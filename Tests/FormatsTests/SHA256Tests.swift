import XCTest

@testable import Formats

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 example vectors, plus a message crossing several blocks.
    func testKnownVectors() {
        XCTAssertEqual(
            SHA256.hexDigest(Array("".utf8)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            SHA256.hexDigest(Array("abc".utf8)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hexDigest(
                Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hexDigest([UInt8](repeating: 0x61, count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Feeding the message in uneven pieces gives the same digest as feeding it whole.
    func testIncrementalUpdatesMatchOneShot() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var hasher = SHA256()
        var start = 0
        for piece in [1, 63, 64, 65, 200, 607] {
            message[start..<(start + piece)].withUnsafeBytes { hasher.update($0) }
            start += piece
        }
        XCTAssertEqual(hasher.finalizeHex(), SHA256.hexDigest(message))
    }
}
