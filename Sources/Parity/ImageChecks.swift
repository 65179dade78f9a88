/// Image pipeline checks (resize, grids); filled in with the data layer.
enum ImageChecks {
    static let all: [String: ParityRunner.Checker] = [:]
}
