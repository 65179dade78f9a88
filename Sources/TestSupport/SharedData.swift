import Foundation
import Parity

/// Locates the project's shared reference material for tests: the `shared/` folder that
/// sits beside the repository checkout (as on developer machines and CI).
public enum SharedData {
    /// The repository root, found from this source file's location.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()
    }

    /// `../shared`, or `$DCGANLAB_SHARED_DIR` when set.
    public static var sharedDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["DCGANLAB_SHARED_DIR"] {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The PyTorch parity cases: `$DCGANLAB_REFERENCE_DIR`, else `shared/reference/pytorch`.
    public static var pytorchReferenceDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["DCGANLAB_REFERENCE_DIR"] {
            return URL(fileURLWithPath: path)
        }
        return sharedDirectory.appendingPathComponent("reference/pytorch")
    }

    /// The case called `name` of the PyTorch parity suite, for a test that checks one
    /// component against its reference with the same checker `dcgan-lab parity` uses.
    public static func pytorchReferenceCase(_ name: String) throws -> ReferenceCase {
        let suite = try ReferenceSuite(directory: pytorchReferenceDirectory)
        guard let found = suite.cases.first(where: { $0.name == name }) else {
            throw ParityError("\(pytorchReferenceDirectory.path): no reference case '\(name)'")
        }
        return found
    }

    /// A subfolder of `shared/reference` (`fid`, `pth`).
    public static func reference(_ name: String) -> URL {
        sharedDirectory.appendingPathComponent("reference").appendingPathComponent(name)
    }

    /// A fresh empty temporary directory for one test.
    public static func temporaryDirectory(_ label: String = "test") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("dcganlab-\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
