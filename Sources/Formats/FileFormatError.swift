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
