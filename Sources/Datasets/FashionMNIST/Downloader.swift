import Formats
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Downloads the four gzip files into a directory, each written atomically so an
/// interrupted download never leaves a file that looks complete.
public enum Downloader {
    /// Called with the file's name, bytes received so far and the expected total (if the
    /// server sent one).
    public typealias Progress = (_ file: String, _ received: Int64, _ total: Int64?) -> Void

    /// Fetches every file missing from `directory` and returns the completed location.
    public static func downloadAll(into directory: URL, progress: @escaping Progress) throws
        -> DataLocation
    {
        for file in FashionMNIST.DataFile.allCases {
            let target = directory.appendingPathComponent(file.rawValue + ".gz")
            if FileManager.default.fileExists(atPath: target.path) { continue }
            let data = try fetch(file.url, label: file.rawValue + ".gz", progress: progress)
            try AtomicFile.write(data, to: target)
        }
        guard let location = DataLocator.look(in: directory, source: .cache) else {
            throw DatasetError.downloadFailed(
                url: FashionMNIST.baseURL, reason: "files missing in \(directory.path) afterwards")
        }
        return location
    }

    /// One GET request, blocking until it completes, reporting progress as bytes arrive.
    public static func fetch(_ address: String, label: String, progress: @escaping Progress) throws
        -> Data
    {
        guard let url = URL(string: address) else {
            throw DatasetError.downloadFailed(url: address, reason: "not a valid URL")
        }
        let receiver = Receiver(label: label, progress: progress)
        let session = URLSession(configuration: .ephemeral, delegate: receiver, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: url).resume()
        receiver.done.wait()

        if let error = receiver.error {
            throw DatasetError.downloadFailed(url: address, reason: error.localizedDescription)
        }
        guard (200..<300).contains(receiver.status) else {
            throw DatasetError.downloadFailed(
                url: address, reason: "HTTP status \(receiver.status)")
        }
        return receiver.data
    }

    /// Collects the body of one request and reports progress; `done` fires at the end.
    private final class Receiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let label: String
        let progress: Progress
        let done = DispatchSemaphore(value: 0)
        var data = Data()
        var expected: Int64?
        var status = 0
        var error: Error?

        init(label: String, progress: @escaping Progress) {
            self.label = label
            self.progress = progress
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
        ) {
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
            expected = response.expectedContentLength > 0 ? response.expectedContentLength : nil
            completionHandler(.allow)
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive chunk: Data
        ) {
            data.append(chunk)
            progress(label, Int64(data.count), expected)
        }

        func urlSession(
            _ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?
        ) {
            self.error = error
            done.signal()
        }
    }
}
