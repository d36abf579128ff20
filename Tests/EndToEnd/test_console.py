"""The web console driven in headless Chromium (selenium + Debian's chromium-driver).

An editor approves a waiting task and an operator redrives a dead letter through the
pages of a real `stepline serve`; the results are checked through boto3. A screenshot
of each page is written under test-artifacts/console/ (or $STEPLINE_TEST_ARTIFACTS).
"""
import base64
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

import boto3
import pytest

from conftest import ACCESS_KEY_ID, ROOT, SECRET_ACCESS_KEY, Server, wait_for

selenium = pytest.importorskip("selenium", reason="pip install selenium (tools/test installs it)")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ARTIFACTS = os.environ.get("STEPLINE_TEST_ARTIFACTS", os.path.join(ROOT, "test-artifacts", "console"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def png(width, height, rgb):
    """A solid-colour PNG, so the thumbnail test needs no image tool."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver are required in CI (tools/test installs them)")
        pytest.skip("apt-get install chromium chromium-driver (tools/test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    os.makedirs(ARTIFACTS, exist_ok=True)
    yield driver
    driver.quit()


def screenshot(driver, name, element=None):
    """The whole page (or one element), beyond the window (Chromium's DevTools capture), as ARTIFACTS/name.png."""
    if element is None:
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": max(size["width"], 1400), "height": min(size["height"], 8000), "scale": 1}
    else:
        rect = element.rect
        clip = {"x": rect["x"], "y": rect["y"], "width": rect["width"], "height": rect["height"], "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    path = os.path.join(ARTIFACTS, name + ".png")
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    return path


def notice(driver):
    return WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.ID, "notice")))


def client(service, endpoint, key=("x", "x")):
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key[0], aws_secret_access_key=key[1]
    )


def review_machine(activity_arn, catch):
    states = {
        "Prepare": {"Type": "Pass", "Result": {"thumbnail": "media/clip-1/thumb.png", "title": "Clip 1"}, "Next": "Review"},
        "Review": {
            "Type": "Task",
            "Resource": activity_arn,
            "TimeoutSeconds": 86400,
            "Parameters": {"image.$": "$.thumbnail", "title.$": "$.title"},
            "Next": "Publish",
        },
        "Publish": {"Type": "Pass", "End": True},
    }
    if catch:
        states["Review"]["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Rejected"}]
        states["Rejected"] = {"Type": "Fail", "Error": "Rejected"}
    return json.dumps({"Comment": "editor review", "StartAt": "Prepare", "States": states})


def wait_status(sfn, arn, wanted):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] == wanted:
            return described
        time.sleep(0.05)
    raise AssertionError(f"{arn} is {described['status']}, expected {wanted}")


def test_editor_approves_and_operator_redrives_through_the_pages(server, browser):
    sfn = client("stepfunctions", server.endpoint)
    events = client("events", server.endpoint)
    os.makedirs(os.path.join(server.data_dir, "media", "clip-1"), exist_ok=True)
    with open(os.path.join(server.data_dir, "media", "clip-1", "thumb.png"), "wb") as f:
        f.write(png(64, 36, (36, 87, 214)))
    role = "arn:aws:iam::123456789012:role/console"
    editors = sfn.create_activity(name="editors")["activityArn"]
    checks = sfn.create_activity(name="checks")["activityArn"]
    review = sfn.create_state_machine(name="editor-review", definition=review_machine(editors, True), roleArn=role)
    check = sfn.create_state_machine(name="quality-check", definition=review_machine(checks, False), roleArn=role)
    waiting = sfn.start_execution(stateMachineArn=review["stateMachineArn"], name="clip-approve")["executionArn"]
    failing = sfn.start_execution(stateMachineArn=check["stateMachineArn"], name="clip-fail")["executionArn"]
    task = sfn.get_activity_task(activityArn=checks, workerName="checker")
    sfn.send_task_failure(taskToken=task["taskToken"], error="Media.Corrupt", cause="frame 12 is unreadable")
    wait_status(sfn, failing, "FAILED")
    events.create_event_bus(Name="partners")
    events.put_rule(Name="new-clips", EventBusName="partners", EventPattern=json.dumps({"source": ["partner.upload"]}))
    events.put_targets(
        Rule="new-clips", EventBusName="partners", Targets=[{"Id": "review", "Arn": review["stateMachineArn"], "RoleArn": role}]
    )
    events.put_events(Entries=[{"Source": "partner.upload", "DetailType": "clip", "Detail": "{}", "EventBusName": "partners"}])

    # Review queue: the task with its thumbnail; approve with an output.
    browser.get(server.endpoint + "/console/review")
    row = browser.find_element(By.CSS_SELECTOR, 'tr.waiting-task[data-execution="clip-approve"]')
    assert "Review" in row.text and "Clip 1" in row.text
    thumbnail = row.find_element(By.CSS_SELECTOR, ".thumbs img")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", thumbnail) == 64
    screenshot(browser, "review-queue")
    row.find_element(By.CSS_SELECTOR, "form.approve textarea").send_keys('{"approved": true, "by": "editor"}')
    row.find_element(By.CSS_SELECTOR, "form.approve button").click()
    assert notice(browser).text == "Approved."
    described = wait_status(sfn, waiting, "SUCCEEDED")
    assert json.loads(described["output"]) == {"approved": True, "by": "editor"}

    # Executions: filter, then the execution's page with its graph and the decision.
    browser.get(server.endpoint + "/console/executions?status=SUCCEEDED")
    screenshot(browser, "executions")
    browser.find_element(By.LINK_TEXT, "clip-approve").click()
    graph = browser.find_element(By.ID, "graph")
    assert graph.find_element(By.CSS_SELECTOR, 'g.node.visited[data-state="Publish"]')
    decisions = browser.find_element(By.ID, "decisions").text
    assert "approve" in decisions and "local" in decisions
    screenshot(browser, "execution")
    screenshot(browser, "execution-graph", element=graph)

    # Dead letters: redrive the failed execution; it waits for its check again.
    browser.get(server.endpoint + "/console/dead-letters")
    row = browser.find_element(By.CSS_SELECTOR, 'tr.failed-execution[data-execution="clip-fail"]')
    assert "Media.Corrupt" in row.text
    screenshot(browser, "dead-letters")
    row.find_element(By.XPATH, ".//button[text()='Redrive']").click()
    assert notice(browser).text == "Redriven clip-fail."
    described = wait_status(sfn, failing, "RUNNING")
    assert described["redriveCount"] == 1
    assert browser.find_elements(By.ID, "dead-letters-empty")

    # Buses and rules: the rule matched the event once.
    browser.get(server.endpoint + "/console/buses")
    rule = browser.find_element(By.CSS_SELECTOR, 'tr[data-rule="new-clips"]')
    assert rule.find_element(By.CSS_SELECTOR, "td.matches").text == "1"
    screenshot(browser, "buses")


def test_a_form_posted_without_its_csrf_token_is_refused(server):
    sfn = client("stepfunctions", server.endpoint)
    activity = sfn.create_activity(name="csrf-check")["activityArn"]
    machine = sfn.create_state_machine(
        name="csrf-check", definition=review_machine(activity, True), roleArn="arn:aws:iam::123456789012:role/console"
    )
    execution = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="csrf-1")["executionArn"]
    task = sfn.get_activity_task(activityArn=activity, workerName="peek")
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    page = opener.open(server.endpoint + "/console/review").read().decode()
    assert "taken by peek" in page
    assert any(cookie.name == "stepline_console" for cookie in jar.cookiejar)
    form = urllib.parse.urlencode({"token": task["taskToken"], "output": "{}"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(server.endpoint + "/console/review/approve", data=form)
    assert refused.value.code == 403
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"


def test_sign_in_with_an_access_key_when_credentials_are_configured(signed_server, browser):
    browser.delete_all_cookies()
    browser.get(signed_server.endpoint + "/console/review")
    assert browser.current_url.endswith("/console/login")
    screenshot(browser, "login")
    browser.find_element(By.NAME, "accessKeyId").send_keys(ACCESS_KEY_ID)
    browser.find_element(By.NAME, "secretAccessKey").send_keys("wrong")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    assert "wrong secret" in notice(browser).text
    browser.find_element(By.NAME, "accessKeyId").send_keys(ACCESS_KEY_ID)
    browser.find_element(By.NAME, "secretAccessKey").send_keys(SECRET_ACCESS_KEY)
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(browser, 15).until(lambda driver: driver.current_url.endswith("/console/review"))
    assert ACCESS_KEY_ID in browser.find_element(By.CSS_SELECTOR, "header .who").text
    cookie = browser.get_cookie("stepline_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_operator_redrives_a_dead_delivery_and_resolves_it_in_review(server, browser):
    events = client("events", server.endpoint)
    events.create_event_bus(Name="webhooks")
    events.put_rule(Name="notify", EventBusName="webhooks", EventPattern=json.dumps({"source": ["partner.notify"]}))
    # No handler is configured for this function: every attempt fails at once (RESOURCE_NOT_FOUND, not retried).
    events.put_targets(
        Rule="notify",
        EventBusName="webhooks",
        Targets=[{"Id": "hook", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:retired-hook"}],
    )
    events.put_events(Entries=[{"Source": "partner.notify", "DetailType": "ping", "Detail": "{}", "EventBusName": "webhooks"}])

    def dead_row():
        browser.get(server.endpoint + "/console/dead-letters")
        return browser.find_elements(By.CSS_SELECTOR, '#delivery-dead-letters tr.failed-delivery[data-rule="notify"]')

    rows = wait_for(dead_row, "the delivery to be dead-lettered")
    rows[0].find_element(By.XPATH, ".//button[text()='Redrive']").click()
    assert notice(browser).text == "Delivery redriven."

    def review_row():
        browser.get(server.endpoint + "/console/dead-letters")
        return browser.find_elements(By.CSS_SELECTOR, '#delivery-review tr.failed-delivery[data-rule="notify"]')

    row = wait_for(review_row, "the redriven delivery to fail into manual review")[0]
    screenshot(browser, "dead-letters-deliveries")
    row.find_element(By.NAME, "reason").send_keys("partner endpoint retired")
    row.find_element(By.XPATH, ".//button[text()='Resolve']").click()
    assert notice(browser).text == "Delivery resolved."
    resolved = browser.find_element(By.CSS_SELECTOR, '#delivery-review tr.failed-delivery[data-rule="notify"]').text
    assert "partner endpoint retired" in resolved
    browser.get(server.endpoint + "/console/buses")
    rule = browser.find_element(By.CSS_SELECTOR, 'tr[data-rule="notify"]')
    cells = [cell.text for cell in rule.find_elements(By.CSS_SELECTOR, "td.num")]
    # matches, invocations, failures, pending, dead-lettered
    assert cells == ["1", "2", "2", "0", "0"]


@pytest.fixture(scope="module")
def media_server(binary):
    """`stepline serve --workflows workflows`, which deploys the media-review bus of workflows/events.yaml."""
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is not installed (tools/test installs it)")
    with tempfile.TemporaryDirectory(prefix="stepline-console-media-") as tmp:
        running = Server(binary, os.path.join(tmp, "data"), args=["--workflows", os.path.join(ROOT, "workflows")],
                         env={"STEPLINE_X264_PRESET": "ultrafast"})
        running.clip = os.path.join(tmp, "clip.mp4")
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
             "-f", "lavfi", "-i", "sine=frequency=440", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
             "-c:a", "aac", running.clip],
            check=True, timeout=120,
        )
        yield running
        assert running.stop() == 0, "stepline serve did not shut down gracefully on SIGTERM"


def test_an_editor_reviews_the_media_workflow_by_its_thumbnails_and_approves_it(media_server, browser):
    """ingest-and-publish with its work_dir under the data directory: the review queue shows the
    thumbnails and contact sheet it made, and approving from the page publishes the asset."""
    sfn = client("stepfunctions", media_server.endpoint)
    work = os.path.join(media_server.data_dir, "media")
    document = {"asset_id": "clip-001", "source": media_server.clip, "work_dir": os.path.join(work, "work", "clip-001"),
                "publish_dir": os.path.join(work, "published")}
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:ingest-and-publish"
    arn = sfn.start_execution(stateMachineArn=machine, name="clip-001", input=json.dumps(document))["executionArn"]

    def waiting_row():
        assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
        browser.get(media_server.endpoint + "/console/review")
        return browser.find_elements(By.CSS_SELECTOR, 'tr.waiting-task[data-execution="clip-001"][data-state="RequestReview"]')

    row = wait_for(waiting_row, "clip-001 to wait in RequestReview", timeout=120)[0]
    images = row.find_elements(By.CSS_SELECTOR, ".thumbs img")
    assert len(images) == 5  # four thumbnails and the contact sheet
    assert all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image) for image in images)
    screenshot(browser, "review-queue-media")
    row.find_element(By.CSS_SELECTOR, "form.approve textarea").send_keys('{"approved": true}')
    row.find_element(By.CSS_SELECTOR, "form.approve button").click()
    assert notice(browser).text == "Approved."
    assert wait_status(sfn, arn, "SUCCEEDED")["status"] == "SUCCEEDED"
    assert os.path.isfile(os.path.join(document["publish_dir"], "clip-001", "manifest.json"))
    browser.get(media_server.endpoint + "/console/executions/view?arn=" + urllib.parse.quote(arn))
    assert browser.find_element(By.CSS_SELECTOR, '#graph g.node.visited[data-state="Published"]')
    screenshot(browser, "execution-media-graph", element=browser.find_element(By.ID, "graph"))
