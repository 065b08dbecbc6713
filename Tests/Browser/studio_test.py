#!/usr/bin/env python3
"""End-to-end test of Pincel Studio in a real browser (headless Chromium driven by Selenium).

Starts `pincel studio` on a free port with a temporary PINCEL_HOME, finds the bare address
refused (401), opens the printed address with its token (the page trades it for a cookie) and
checks that the page, its script and its stylesheet all loaded (no request got 401), sees a bad
upload refused on the page, uploads a photo and a painting, sees their instant picture before Start
(and times selection changes until their picture shows), starts a 64 px run (from the instant
picture, the default start) and sees the preview change
and the loss plot grow, cancels a queued job, reopens the page during a second run and sees
it live again, stops that run, downloads the first result, restarts the server (a new token: the
open page says it is locked out), opens the new address and finds the jobs in the gallery, then
deletes an upload and a result. Screenshots go to docs/images/studio_*.png.

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
    """`pincel studio` on `port`; after start(), `url` is the address it printed (with its new
    token) and `token` that token."""

    def __init__(self, binary, home, port, weights):
        self.args = [binary, "studio", "--port", str(port), "--examples", str(ROOT / "Examples")]
        if weights:
            self.args += ["--weights", weights]
        # The instant models stay where `make weights` put them (PINCEL_HOME is the test's own).
        models = os.environ.get("PINCEL_INSTANT_MODELS") or os.environ.get("PINCEL_HOME") or os.path.expanduser("~/.cache/pincel")
        self.env = dict(os.environ, PINCEL_HOME=home, PINCEL_INSTANT_MODELS=models)
        self.env.pop("PINCEL_STUDIO_TOKEN", None)
        self.port = port
        self.process = None
        self.url = self.token = None

    def start(self):
        path = pathlib.Path(self.env["PINCEL_HOME"]) / "server.log"
        offset = path.stat().st_size if path.exists() else 0
        self.log = open(path, "ab")
        self.process = subprocess.Popen(self.args, env=self.env, stdout=self.log, stderr=self.log)
        wait("the server to listen", self.listening, 60)

        def printed():
            text = path.read_bytes()[offset:].decode(errors="replace")
            marker = "http://127.0.0.1:%d/?token=" % self.port
            return text[text.index(marker):].split()[0] if marker in text else None
        self.url = wait("the address with its token", printed, 30)
        self.token = self.url.split("?token=")[1]

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


def page_loaded_whole(driver):
    """The stylesheet applied (the header's colour), the script ran, and no request of the page
    got 401 (the Resource Timing API's response statuses)."""
    background = driver.execute_script("return getComputedStyle(document.querySelector('header')).backgroundColor")
    assert background == "rgb(43, 38, 34)", "the stylesheet did not apply: " + background
    assert driver.execute_script("return document.documentElement.dataset.script") == "ran", "the script did not run"
    statuses = driver.execute_script(
        "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".map(e => [e.name, e.responseStatus])")
    refused = [s for s in statuses if s[1] in (401, 403)]
    assert not refused, "requests refused: %s" % refused
    assert any(name.endswith("/studio.css") for name, _ in statuses) and any(name.endswith("/studio.js") for name, _ in statuses), statuses


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


def instant_shown(driver):
    """The instant picture's state: (sequence number, natural width, height, ms from the selection
    to the picture shown) once the newest request's picture is shown, else None."""
    return driver.execute_script(
        "const i = document.getElementById('instant'), box = document.getElementById('instant-box');"
        "if (i.hidden || box.classList.contains('busy') || !i.complete || !i.naturalWidth || !i.dataset.seq) return null;"
        "return [Number(i.dataset.seq), i.naturalWidth, i.naturalHeight, Number(i.dataset.shownMs)];")


def time_selection_changes(driver, ref, rounds=6):
    """Toggles painting `ref` in the selection `rounds` times (an even number: it ends as it
    began), each time waiting for the new selection's instant picture; prints the times."""
    wall, page = [], []
    for _ in range(rounds):
        before = instant_shown(driver)[0]
        tile = driver.find_element(By.CSS_SELECTOR, '#style-choices .choice[data-ref="%s"]' % ref)
        start = time.time()
        tile.click()
        shown = wait("the new instant picture", lambda: (lambda s: s if s and s[0] > before else None)(instant_shown(driver)), 60)
        wall.append((time.time() - start) * 1000)
        page.append(shown[3])
    median = lambda xs: sorted(xs)[len(xs) // 2]
    print("instant picture, selection to shown: median %.0f ms (page clock %.0f ms; %s ms), %d changes, size %s px"
          % (median(wall), median(page), " ".join("%.0f" % w for w in wall), rounds,
             driver.find_element(By.ID, "size").get_attribute("value")))


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
        # The bare address: refused, with a short note on where the address with the token is.
        driver.get(url)
        assert "this page needs its token" in driver.find_element(By.TAG_NAME, "body").text, driver.page_source[:300]
        # The printed address: the page trades the token for its cookie and drops it from the URL.
        driver.get(server.url)
        wait("the live connection", lambda: driver.find_element(By.ID, "connection").text == "live")
        page_loaded_whole(driver)
        assert driver.current_url == url, driver.current_url
        cookies = {c["name"]: c for c in driver.get_cookies()}
        cookie = cookies["pincel-studio-%d" % port]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
        print("token exchange: cookie", cookie["name"], "HttpOnly, SameSite=Strict; the page, script and stylesheet loaded")

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

        # Their instant picture, before Start: the photo's shape at the form's size (256 px).
        shown = wait("the instant picture", lambda: instant_shown(driver), 60)
        assert shown[1:3] == [256, 170], "chelsea.png (451x300) at 256 px: %s" % shown
        assert not driver.find_elements(By.CSS_SELECTOR, "#gallery .gallery-item") and driver.find_element(By.ID, "live").get_attribute("hidden") is not None
        assert driver.find_element(By.ID, "initial").get_attribute("value") == "instant", "the instant start is the default"
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(SHOTS / "studio_instant.png"))
        print("instant picture before Start: %dx%d, %d ms after the last selection" % (shown[1], shown[2], shown[3]))
        time_selection_changes(driver, "example:starry_night.jpg")

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

        # Restart the server: a new token, so the open page is locked out and says so; the new
        # address brings back both jobs in the gallery.
        old_token = server.token
        server.stop()
        wait("the page to notice", lambda: driver.find_element(By.ID, "connection").text != "live", 30)
        server.start()
        assert server.token != old_token, "a new token on every start"
        wait("the page to say it is locked out", lambda: driver.find_element(By.ID, "connection").text == "locked out", 60)
        print("after restart, the old page:", driver.find_element(By.ID, "message").text)
        driver.get(server.url)
        wait("the gallery after the restart", lambda: sorted(gallery_states(driver).values()) == ["cancelled", "done", "stopped"], 30)
        page_loaded_whole(driver)
        wait("the thumbnails", lambda: driver.execute_script(
            "return Array.from(document.querySelectorAll('#gallery img[src]')).every(i => i.complete && i.naturalWidth > 0)"))
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(SHOTS / "studio_gallery.png"))
        print("after restart:", gallery_states(driver))

        # Delete the uploaded photo (its tile's ×, confirmed) and the stopped job (its Delete).
        tile = driver.find_element(By.CSS_SELECTOR, '#content-choices .choice.uploaded[data-ref="%s"]' % content)
        tile.find_element(By.CSS_SELECTOR, "button.delete").click()
        driver.switch_to.alert.accept()
        wait("the upload to go", lambda: not driver.find_elements(By.CSS_SELECTOR, '#content-choices .choice[data-ref="%s"]' % content))
        wait("the deletion message", lambda: "Deleted chelsea.png" in driver.find_element(By.ID, "message").text)
        stored = os.listdir(os.path.join(home, "studio", "uploads"))
        assert content[7:] + ".png" not in stored and len(stored) == 1, stored
        stopped_id = next(j for j, s in gallery_states(driver).items() if s == "stopped")
        driver.find_element(By.CSS_SELECTOR, '#gallery .gallery-item[data-job="%s"]' % stopped_id).click()
        wait("the detail", lambda: driver.find_element(By.ID, "detail").is_displayed())
        driver.find_element(By.ID, "delete-job").click()
        driver.switch_to.alert.accept()
        wait("the result to go", lambda: sorted(gallery_states(driver).values()) == ["cancelled", "done"], 30)
        assert not os.path.exists(os.path.join(home, "studio", "jobs", stopped_id)), "the job's files are gone"
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(SHOTS / "studio_deleted.png"))
        page_loaded_whole(driver)
        print("deleted the upload and job", stopped_id)
        print("studio browser test: OK")
    finally:
        driver.quit()
        server.stop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
