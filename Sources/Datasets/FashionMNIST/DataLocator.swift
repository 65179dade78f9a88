import Foundation

/// Where the four Fashion-MNIST files were found (or put), and how that place was chosen.
public struct DataLocation: Sendable {
    /// How a candidate directory was chosen.
    public enum Source: String, Sendable {
        case option = "--data-dir"
        case environment = "$FASHION_MNIST_DIR"
        case system = "system datasets directory"
        case cache = "user cache"
    }

    /// The directory holding the files.
    public let directory: URL
    /// Why this directory was looked at.
    public let source: Source
    /// Each file's path: `<name>.gz`, or the uncompressed `<name>` when only that exists.
    public let files: [FashionMNIST.DataFile: URL]
}

/// Finds Fashion-MNIST: `--data-dir`, then `$FASHION_MNIST_DIR`, then
/// `/usr/share/datasets/fashion-mnist` (Debian's package), then the user cache.
public enum DataLocator {
    /// Debian's `dataset-fashion-mnist` installs the gzip files here.
    public static let systemDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// `$XDG_CACHE_HOME/dcgan-lab/fashion-mnist`, else `~/.cache/dcgan-lab/fashion-mnist`.
    public static func cacheDirectory(environment: [String: String]) -> URL {
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            .map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("dcgan-lab/fashion-mnist")
    }

    /// The directories to search, in order.
    public static func candidates(dataDirectory: String?, environment: [String: String])
        -> [(URL, DataLocation.Source)]
    {
        var list: [(URL, DataLocation.Source)] = []
        if let dataDirectory { list.append((URL(fileURLWithPath: dataDirectory), .option)) }
        if let dir = environment["FASHION_MNIST_DIR"], !dir.isEmpty {
            list.append((URL(fileURLWithPath: dir), .environment))
        }
        list.append((systemDirectory, .system))
        list.append((cacheDirectory(environment: environment), .cache))
        return list
    }

    /// The first candidate holding all four files, or nil.
    public static func find(
        dataDirectory: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DataLocation? {
        for (directory, source) in candidates(
            dataDirectory: dataDirectory, environment: environment)
        {
            if let location = look(in: directory, source: source) { return location }
        }
        return nil
    }

    /// The location if `directory` holds all four files (gzip or uncompressed).
    public static func look(in directory: URL, source: DataLocation.Source) -> DataLocation? {
        var files: [FashionMNIST.DataFile: URL] = [:]
        for file in FashionMNIST.DataFile.allCases {
            let gz = directory.appendingPathComponent(file.rawValue + ".gz")
            let raw = directory.appendingPathComponent(file.rawValue)
            if FileManager.default.fileExists(atPath: gz.path) {
                files[file] = gz
            } else if FileManager.default.fileExists(atPath: raw.path) {
                files[file] = raw
            } else {
                return nil
            }
        }
        return DataLocation(directory: directory, source: source, files: files)
    }
}
