#!/usr/bin/env python3
"""End-to-end test of Pincel Studio in a real browser (headless Chromium driven by Selenium).

Starts `pincel studio` on a free port with a temporary PINCEL_HOME, sees a bad upload refused
on the page, uploads a photo and a painting, starts a 64 px run and sees the preview change
and the loss plot grow, cancels a queued job, reopens the page during a second run and sees
it live again, stops that run, downloads the first result, restarts the server and finds the
jobs in the gallery. Screenshots go to docs/images/studio_*.png.

    make test-browser            # installs chromium, chromium-driver and selenium first
    .venv-browser/bin/python Tests/Browser/studio_test.py --binary .build/release/pincel
"""
import argparse
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_SHOTS = ROOT / ".build" / "studio-screenshots"  # --screenshots docs/images for the README's
SHOTS = DEFAULT_SHOTS


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(what, condition, seconds=90):
    end = time.time() + seconds
    while time.time() < end:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # the page may be between states
            pass
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class Server:
    def __init__(self, binary, home, port, weights):
        self.args = [binary, "studio", "--port", str(port), "--examples", str(ROOT / "Examples")]
        if weights:
            self.args += ["--weights", weights]
        self.env = dict(os.environ, PINCEL_HOME=home)
        self.port = port
        self.process = None

    def start(self):
        self.log = open(pathlib.Path(self.env["PINCEL_HOME"]) / "server.log", "ab")
        self.process = subprocess.Popen(self.args, env=self.env, stdout=self.log, stderr=self.log)
        wait("the server to listen", self.listening, 60)

    def listening(self):
        if self.process.poll() is not None:
            raise SystemExit("pincel studio exited with %d; see %s/server.log" % (self.process.returncode, self.env["PINCEL_HOME"]))
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def browser(download_dir):
    options = Options()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1040",
                 "--disable-gpu", "--force-device-scale-factor=1"]:
        options.add_argument(flag)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    options.add_experimental_option("prefs", {"download.default_directory": download_dir,
                                              "download.prompt_for_download": False})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:  # headless Chromium downloads only where told
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    except Exception:
        pass
    return driver


def gallery_states(driver):
    return {e.get_attribute("data-job"): e.get_attribute("data-state")
            for e in driver.find_elements(By.CSS_SELECTOR, "#gallery .gallery-item")}


def upload(driver, input_id, path):
    field = driver.find_element(By.ID, input_id)
    driver.execute_script("arguments[0].hidden = false;", field)
    field.send_keys(str(path))
    name = path.name
    wait("the upload of " + name, lambda: "Uploaded " + name in driver.find_element(By.ID, "message").text)
    driver.execute_script("arguments[0].hidden = true;", field)


def set_value(driver, element_id, value):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(str(value))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "pincel"))
    parser.add_argument("--weights", default=os.environ.get("PINCEL_WEIGHTS"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--screenshots", default=str(DEFAULT_SHOTS), help="folder for the screenshots")
    args = parser.parse_args()
    global SHOTS
    SHOTS = pathlib.Path(args.screenshots)
    SHOTS.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="pincel-studio-browser-")
    downloads = os.path.join(home, "downloads")
    os.makedirs(downloads)
    port = free_port()
    server = Server(args.binary, home, port, args.weights)
    server.start()
    driver = browser(downloads)
    url = "http://127.0.0.1:%d/" % port
    try:
        driver.get(url)
        wait("the live connection", lambda: driver.find_element(By.ID, "connection").text == "live")

        # A file that is not an image: a clear message on the page, and the studio keeps serving.
        field = driver.find_element(By.ID, "content-file")
        driver.execute_script("arguments[0].hidden = false;", field)
        field.send_keys(str(ROOT / "Examples" / "SOURCES.md"))
        driver.execute_script("arguments[0].hidden = true;", field)
        wait("the refusal", lambda: "Upload of SOURCES.md refused" in driver.find_element(By.ID, "message").text)
        print("bad upload:", driver.find_element(By.ID, "message").text)

        # A photo and a painting, uploaded; the preselected example painting unselected.
        upload(driver, "content-file", ROOT / "Examples" / "chelsea.png")
        upload(driver, "style-file", ROOT / "Examples" / "the_scream.jpg")
        for choice in driver.find_elements(By.CSS_SELECTOR, "#style-choices .choice.selected"):
            if choice.get_attribute("data-ref").startswith("example:"):
                choice.click()
        selected = driver.find_elements(By.CSS_SELECTOR, "#style-choices .choice.selected")
        assert [c.get_attribute("data-ref")[:7] for c in selected] == ["upload:"], "one uploaded painting selected"
        content = driver.find_element(By.CSS_SELECTOR, "#content-choices .choice.selected").get_attribute("data-ref")
        assert content.startswith("upload:"), content

        # Run 1: 64 px; the preview changes and the plot grows while it runs.
        set_value(driver, "size", 64)
        set_value(driver, "iterations", 60)
        set_value(driver, "seed", 7)
        driver.find_element(By.ID, "start").click()
        wait("a first frame", lambda: int(driver.find_element(By.ID, "preview").get_attribute("data-frames") or 0) >= 1)
        preview = driver.find_element(By.ID, "preview")
        first_frame = preview.get_attribute("src")
        first_points = int(driver.find_element(By.ID, "plot").get_attribute("data-points") or 0)
        wait("the preview to change", lambda: preview.get_attribute("src") != first_frame)
        wait("the plot to grow", lambda: int(driver.find_element(By.ID, "plot").get_attribute("data-points") or 0) > first_points)
        # A second job waits in the queue (visible), then is cancelled there.
        set_value(driver, "iterations", 5)
        driver.find_element(By.ID, "start").click()
        wait("the queued job", lambda: driver.find_elements(By.CSS_SELECTOR, "#queue li[data-job] button.cancel"))
        wait("a longer curve for the screenshot", lambda: int(driver.find_element(By.ID, "plot").get_attribute("data-points") or 0) >= 12, 240)
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(SHOTS / "studio_running.png"))
        print("running: preview changed, plot grew from", first_points, "points")
        driver.find_element(By.CSS_SELECTOR, "#queue li[data-job] button.cancel").click()
        wait("the queued job to be cancelled", lambda: "cancelled" in gallery_states(driver).values())
        wait("run 1 to finish", lambda: "done" in gallery_states(driver).values(), 240)

        # Run 2: stopped while it runs; it keeps its image.
        frames_before = int(driver.find_element(By.ID, "preview").get_attribute("data-frames") or 0)
        set_value(driver, "iterations", 3000)
        set_value(driver, "seed", "")
        driver.find_element(By.ID, "start").click()
        wait("run 2 to start", lambda: driver.find_element(By.ID, "live-title").text.startswith("Job 3")
             and int(driver.find_element(By.ID, "preview").get_attribute("data-frames") or 0) > frames_before)
        # Closing the page does not stop the job; reopening shows it live again.
        driver.get("about:blank")
        driver.get(url)
        wait("job 3 live again", lambda: driver.find_element(By.ID, "live-title").text.startswith("Job 3")
             and int(driver.find_element(By.ID, "plot").get_attribute("data-points") or 0) >= 1
             and driver.find_element(By.ID, "preview").get_attribute("src"))
        driver.find_element(By.ID, "stop").click()
        wait("run 2 to stop", lambda: "stopped" in gallery_states(driver).values(), 60)
        states = gallery_states(driver)
        assert sorted(states.values()) == ["cancelled", "done", "stopped"], states

        # Compare with the photo and download the first result.
        done_id = next(j for j, s in states.items() if s == "done")
        driver.find_element(By.CSS_SELECTOR, '#gallery .gallery-item[data-job="%s"]' % done_id).click()
        wait("the detail", lambda: driver.find_element(By.ID, "detail").is_displayed())
        wait("the result image", lambda: driver.execute_script("return document.getElementById('compare-result').naturalWidth > 0"))
        slider = driver.find_element(By.ID, "compare-slider")
        driver.execute_script("arguments[0].value = 35; arguments[0].dispatchEvent(new Event('input'));", slider)
        driver.save_screenshot(str(SHOTS / "studio_compare.png"))
        driver.find_element(By.ID, "download").click()
        got = wait("the download", lambda: [f for f in os.listdir(downloads) if f.endswith(".png")], 30)
        data = pathlib.Path(downloads, got[0]).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", "the download is a PNG"
        print("downloaded", got[0], len(data), "bytes")
        driver.find_element(By.ID, "detail-close").click()

        # Restart the server: both jobs are in the gallery.
        server.stop()
        wait("the page to notice", lambda: driver.find_element(By.ID, "connection").text != "live", 30)
        server.start()
        driver.get(url)
        wait("the gallery after the restart", lambda: sorted(gallery_states(driver).values()) == ["cancelled", "done", "stopped"], 30)
        wait("the thumbnails", lambda: driver.execute_script(
            "return Array.from(document.querySelectorAll('#gallery img[src]')).every(i => i.complete && i.naturalWidth > 0)"))
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(SHOTS / "studio_gallery.png"))
        print("after restart:", gallery_states(driver))
        print("studio browser test: OK")
    finally:
        driver.quit()
        server.stop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
