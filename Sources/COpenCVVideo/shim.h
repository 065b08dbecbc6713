// Nothing for Swift here: OpenCV's headers are C++ and only Sources/CFlowShim includes them.
