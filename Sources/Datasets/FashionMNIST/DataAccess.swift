import Foundation

/// Finds Fashion-MNIST, downloading it into the user cache when no candidate holds it.
public enum DataAccess {
    /// The location of all four files; downloads them when none of the candidate
    /// directories holds them. Throws `DatasetError.notFound` listing every place searched.
    public static func locate(
        dataDirectory: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: @escaping Downloader.Progress
    ) throws -> DataLocation {
        if let found = DataLocator.find(dataDirectory: dataDirectory, environment: environment) {
            return found
        }
        let cache = DataLocator.cacheDirectory(environment: environment)
        do {
            return try Downloader.downloadAll(into: cache, progress: progress)
        } catch {
            let searched = DataLocator.candidates(
                dataDirectory: dataDirectory, environment: environment
            )
            .map { "\($0.0.path) (\($0.1.rawValue))" }
            throw DatasetError.notFound(searched: searched, downloadProblem: "\(error)")
        }
    }
}
