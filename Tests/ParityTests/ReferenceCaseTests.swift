import Parity
import TestSupport
import XCTest

/// Every case of the PyTorch reference manifest (or `$DCGANLAB_REFERENCE_DIR`) whose op this
/// build knows must pass within the case's own tolerance.
final class ReferenceCaseTests: XCTestCase {
    func testEveryKnownCasePasses() throws {
        let suite = try ReferenceSuite(directory: SharedData.pytorchReferenceDirectory)
        XCTAssertFalse(suite.cases.isEmpty, "the manifest lists no cases")
        var checked = 0
        for referenceCase in suite.cases where ParityRunner.knownOps.contains(referenceCase.op) {
            let result = ParityRunner.run(referenceCase)
            XCTAssertEqual(result.status, .passed, "\(result.name) [\(result.op)]: \(result.detail)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0, "no case had a known op")
    }
}
