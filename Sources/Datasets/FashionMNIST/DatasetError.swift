/// Why Fashion-MNIST could not be found, fetched or trusted, with what to do about it.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// No candidate directory held all four files and downloading was not possible.
    case notFound(searched: [String], downloadProblem: String)
    /// A download failed.
    case downloadFailed(url: String, reason: String)
    /// A file read but its content differs from the published checksum.
    case checksumMismatch(path: String, expected: String, actual: String)
    /// The images and labels of a split disagree, or a file holds the wrong shape or labels.
    case inconsistent(path: String, problem: String)
    /// A request the data cannot satisfy (e.g. more images per class than exist).
    case invalidSelection(String)

    public var description: String {
        switch self {
        case .notFound(let searched, let problem):
            return "Fashion-MNIST was not found in:\n  " + searched.joined(separator: "\n  ")
                + "\nand could not be downloaded: \(problem)\n"
                + "Put the four *-ubyte.gz files in a directory and pass --data-dir DIR "
                + "(or set FASHION_MNIST_DIR), or install Debian's dataset-fashion-mnist"
        case .downloadFailed(let url, let reason):
            return "downloading \(url) failed: \(reason). Check the network connection, "
                + "or download the file by hand and pass its directory with --data-dir"
        case .checksumMismatch(let path, let expected, let actual):
            return "\(path): SHA-256 of the uncompressed content is \(actual), expected "
                + "\(expected). The file is damaged or a different version; delete it to "
                + "re-download, or pass --allow-checksum-mismatch to use it anyway"
        case .inconsistent(let path, let problem):
            return "\(path): \(problem). Delete the file and download it again"
        case .invalidSelection(let problem):
            return problem
        }
    }
}
