/// Full training-loop checks; filled in by the GAN layer's trainer check.
enum TrainingChecks {
    static let all: [String: ParityRunner.Checker] = [:]
}
