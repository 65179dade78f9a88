import Foundation

/// Whole-file writes that are never seen half-done: write a temporary sibling, flush it to
/// disk, then rename over the target (rename is atomic within one file system).
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
            _ = FileManager.default.createFile(atPath: temporary.path, contents: nil)
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw FileFormatError(path: url.path, problem: "could not be replaced (errno \(errno))")
            }
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw FileFormatError(
                path: url.path, problem: "could not be written (\(error.localizedDescription))",
                hint: "Check free disk space and permissions")
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }
}
