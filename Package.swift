// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Pincel",
    products: [
        .library(name: "Pincel", targets: ["Pincel"]),
        .executable(name: "pincel", targets: ["PincelCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // `make docs` only (swift package generate-documentation); adds no code to any product.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
        .target(
            name: "Pincel",
            dependencies: [
                "CDNNL", "CVips", "CVipsShim", "CZlibInflate", "CFlowShim",
            ],
            path: "Sources/Pincel"
        ),
        // Built on the public API only: the paper's figures and the engine benchmark.
        .target(name: "PincelFigures", dependencies: ["Pincel"], path: "Sources/PincelFigures"),
        .target(name: "PincelBench", dependencies: ["Pincel"], path: "Sources/PincelBench"),
        .executableTarget(
            name: "PincelCLI",
            dependencies: [
                "Pincel", "PincelFigures", "PincelBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/PincelCLI"
        ),
        // Helpers shared by both test targets (never a product).
        .target(name: "PincelTestSupport", path: "Tests/Support"),
        .testTarget(name: "PincelTests",
                    dependencies: ["Pincel", "PincelFigures", "PincelTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")], path: "Tests/PincelTests",
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "PincelCLITests", dependencies: ["PincelCLI", "PincelTestSupport"], path: "Tests/PincelCLITests"),
    ]
)
