import Foundation

/// A file that could not be read or written, with where and what was wrong and what to do.
public struct FileFormatError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var problem: String
    public var hint: String

    public init(path: String, problem: String, hint: String = "") {
        self.path = path
        self.problem = problem
        self.hint = hint
    }

    public var description: String {
        hint.isEmpty ? "\(path): \(problem)" : "\(path): \(problem). \(hint)"
    }
}

extension FileFormatError {
    /// A file's bytes, or an error naming the file when it cannot be read.
    public static func contents(of url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw FileFormatError(
                path: url.path, problem: "cannot be read (\(error.localizedDescription))",
                hint: "Check that the file exists and is readable")
        }
    }
}
