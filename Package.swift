// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Pincel",
    products: [
        .library(name: "Pincel", targets: ["Pincel"]),
        // Video (`VideoTransfer`): needs OpenCV and ffmpeg besides what Pincel needs.
        .library(name: "PincelVideo", targets: ["PincelVideo"]),
        .executable(name: "pincel", targets: ["PincelCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // `swift package generate-documentation` (one target at a time; `make docs` runs
        // scripts/docs.sh, which also documents re-exported modules); adds no code to any product.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Pincel Studio (`pincel studio`) only: the web server, its WebSocket and its SQLite store.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C shims: thin, internal, never products.
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CVips", path: "Sources/CVips", pkgConfig: "vips",
                       providers: [.apt(["libvips-dev"])]),
        .target(name: "CVipsShim", dependencies: ["CVips"], path: "Sources/CVipsShim"),
        .systemLibrary(name: "CZlibInflate", path: "Sources/CZlibInflate"),
        // Video: OpenCV's DIS optical flow behind a C interface (pkg-config file written by
        // scripts/install-deps.sh).
        .systemLibrary(name: "COpenCVVideo", path: "Sources/COpenCVVideo", pkgConfig: "pincel-opencv-video",
                       providers: [.apt(["libopencv-video-dev"])]),
        .target(name: "CFlowShim", dependencies: ["COpenCVVideo"], path: "Sources/CFlowShim"),
        // The pipeline, bottom up; each target imports only those above it here, and C
        // modules only with `internal import` (DEVELOPMENT.md).
        // Tensors, the loss maths, the optimisers, the network's description, the backend protocols
        // (FeatureNetwork, MatrixProducts, ComputeBackend).
        .target(name: "PincelCore", path: "Sources/PincelCore"),
        // VGG19 weights files (pickle, torch zip, safetensors).
        .target(name: "PincelWeights", dependencies: ["PincelCore", "CZlibInflate"], path: "Sources/PincelWeights"),
        // Images in and out (libvips).
        .target(name: "PincelImaging", dependencies: ["PincelCore", "CVips", "CVipsShim"], path: "Sources/PincelImaging"),
        // The oneDNN backend: VGG19's forward and backward passes and the matrix products.
        .target(name: "PincelDNNL", dependencies: ["PincelCore", "PincelWeights", "CDNNL"], path: "Sources/PincelDNNL"),
        // The pipeline (StyleTransfer, requests, results, the objective, the backend registry) and
        // the umbrella `import Pincel` (which re-exports PincelCore, PincelWeights, PincelImaging).
        .target(name: "Pincel", dependencies: ["PincelCore", "PincelWeights", "PincelImaging", "PincelDNNL"],
                path: "Sources/Pincel"),
        // Video: optical flow (OpenCV), ffmpeg, the temporal loss.
        .target(name: "PincelVideo", dependencies: ["Pincel", "CFlowShim"], path: "Sources/PincelVideo"),
        // Built on the public API only: the paper's figures and the engine benchmark.
        .target(name: "PincelFigures", dependencies: ["Pincel"], path: "Sources/PincelFigures"),
        .target(name: "PincelBench", dependencies: ["Pincel", "PincelDNNL"], path: "Sources/PincelBench"),
        // Pincel Studio: a local web app on the public API (`pincel studio`).
        .target(
            name: "PincelStudio",
            dependencies: [
                "Pincel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/PincelStudio",
            // The page, compiled into the binary (PackageResources) so it is served offline
            // from any working folder.
            resources: [.embedInCode("Assets/studio.html"), .embedInCode("Assets/studio.css"), .embedInCode("Assets/studio.js")]
        ),
        .executableTarget(
            name: "PincelCLI",
            dependencies: [
                "Pincel", "PincelDNNL", "PincelVideo", "PincelFigures", "PincelBench", "PincelStudio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/PincelCLI"
        ),
        // Helpers shared by both test targets (never a product).
        .target(name: "PincelTestSupport", path: "Tests/Support"),
        .testTarget(name: "PincelTests",
                    dependencies: ["Pincel", "PincelDNNL", "PincelVideo", "PincelFigures", "PincelTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")], path: "Tests/PincelTests",
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "PincelStudioTests",
                    dependencies: ["PincelStudio", "Pincel", "PincelTestSupport",
                                   .product(name: "HummingbirdTesting", package: "hummingbird"),
                                   .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                                   .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                                   .product(name: "HTTPTypes", package: "swift-http-types")],
                    path: "Tests/PincelStudioTests"),
        .testTarget(name: "PincelCLITests", dependencies: ["PincelCLI", "PincelTestSupport"], path: "Tests/PincelCLITests"),
    ]
)
