#include "pincel_flow.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include <opencv2/core.hpp>
#include <opencv2/video/tracking.hpp>

struct pincel_flow {
    cv::Ptr<cv::DISOpticalFlow> dis;
};

static void write_message(char *message, size_t size, const char *text) {
    if (message == nullptr || size == 0) return;
    std::snprintf(message, size, "%s", text);
}

// Runs `body` (which returns a status) and turns every C++ exception into a status and a
// message: nothing thrown crosses the C boundary.
template <typename Body>
static int guarded(char *message, size_t message_size, Body body) {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        write_message(message, message_size, "out of memory");
        return PINCEL_FLOW_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        write_message(message, message_size, e.what());
        return PINCEL_FLOW_OPENCV_ERROR;
    } catch (...) {
        write_message(message, message_size, "unknown C++ exception");
        return PINCEL_FLOW_OPENCV_ERROR;
    }
}

extern "C" int pincel_flow_create(int preset, pincel_flow **out, char *message, size_t message_size) {
    if (out == nullptr) { write_message(message, message_size, "no place for the flow object"); return PINCEL_FLOW_BAD_ARGUMENT; }
    *out = nullptr;
    if (preset < 0 || preset > 2) { write_message(message, message_size, "preset must be 0, 1 or 2"); return PINCEL_FLOW_BAD_ARGUMENT; }
    return guarded(message, message_size, [&] {
        auto *flow = new pincel_flow();
        flow->dis = cv::DISOpticalFlow::create(preset);
        if (flow->dis.empty()) { delete flow; write_message(message, message_size, "OpenCV made no DIS flow object"); return PINCEL_FLOW_OPENCV_ERROR; }
        *out = flow;
        return PINCEL_FLOW_OK;
    });
}

extern "C" void pincel_flow_destroy(pincel_flow *flow) {
    try { delete flow; } catch (...) {}
}

extern "C" int pincel_flow_compute(pincel_flow *flow, const uint8_t *from, const uint8_t *to,
                                   int width, int height, float *out_flow, char *message, size_t message_size) {
    if (flow == nullptr || from == nullptr || to == nullptr || out_flow == nullptr) {
        write_message(message, message_size, "a buffer is missing");
        return PINCEL_FLOW_BAD_ARGUMENT;
    }
    if (width < 1 || height < 1 || width > 65536 || height > 65536) {
        write_message(message, message_size, "frame size out of range");
        return PINCEL_FLOW_BAD_ARGUMENT;
    }
    return guarded(message, message_size, [&] {
        // The Mats wrap the caller's buffers; OpenCV writes the result into `result`, which
        // wraps out_flow, so no copy is made unless OpenCV reallocates (checked below).
        cv::Mat a(height, width, CV_8UC1, const_cast<uint8_t *>(from));
        cv::Mat b(height, width, CV_8UC1, const_cast<uint8_t *>(to));
        cv::Mat result(height, width, CV_32FC2, out_flow);
        cv::Mat computed = result;
        flow->dis->calc(a, b, computed);
        if (computed.data != result.data) {
            if (computed.rows != height || computed.cols != width || computed.type() != CV_32FC2) {
                write_message(message, message_size, "OpenCV returned a flow of another shape");
                return PINCEL_FLOW_OPENCV_ERROR;
            }
            computed.copyTo(result);
        }
        return PINCEL_FLOW_OK;
    });
}
