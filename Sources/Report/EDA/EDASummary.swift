/// Everything the EDA measured, as written to `summary.json`.
public struct EDASummary: Codable, Sendable {
    /// One split's shape and counts.
    public struct Split: Codable, Sendable {
        public var name: String
        public var images: Int, labels: Int
        public var imageShape: [Int]
        public var pixelType: String, labelType: String
        public var classCounts: [Int]
        public var statistics: PixelStatistics
    }

    /// One class's statistics over both splits.
    public struct ClassSummary: Codable, Sendable {
        public var label: Int
        public var name: String
        public var statistics: PixelStatistics
    }

    /// Identical images, counted as groups of two or more.
    public struct ExactDuplicates: Codable, Sendable {
        /// Groups of byte-identical images (labels ignored), and images in them.
        public var groups: Int, images: Int
        /// Copies beyond the first of each group (how many images could be removed).
        public var redundantCopies: Int
        /// Groups inside train only, inside test only, and spanning both.
        public var withinTrain: Int, withinTest: Int, acrossSplits: Int
        /// Groups whose images all carry the same label, and groups with conflicting labels.
        public var sameLabel: Int, conflictingLabels: Int
        /// Up to 20 groups as "split:index:label" entries.
        public var examples: [[String]]
    }

    /// Nearly identical images under an RMS pixel-distance threshold.
    public struct NearDuplicates: Codable, Sendable {
        public var threshold: Double
        public var method: String
        public var pairs: Int
        public var withinTrain: Int, withinTest: Int, acrossSplits: Int
        public var conflictingLabels: Int
        /// Up to 20 closest pairs as ["split:index:label", "split:index:label", "distance"].
        public var examples: [[String]]
    }

    /// Record-level checks.
    public struct Cleaning: Codable, Sendable {
        public var missingRecords: Int, unreadableRecords: Int, labelsOutOfRange: Int
        public var blankImages: Int
        public var exactDuplicates: ExactDuplicates
        public var nearDuplicates: NearDuplicates
    }

    public var dataDirectory: String
    public var checksumsVerified: Bool
    public var classNames: [String]
    public var splits: [Split]
    public var overall: PixelStatistics
    public var classes: [ClassSummary]
    public var cleaning: Cleaning
    public var figures: [String]
    public var seconds: Double
}
