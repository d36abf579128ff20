"""A fake of the Step Functions activity API over HTTP, for the Python worker's tests.

Protocol shape only: it answers GetActivityTask, SendTaskHeartbeat, SendTaskSuccess and
SendTaskFailure in the AWS JSON 1.0 protocol (by X-Amz-Target) so that boto3 — real boto3,
signing and serializing as it does against AWS — can talk to it, and records what the worker
sent. It has no executions, timeouts or token rules; the worker against the real
`stepline serve` activity API is tested in test_activity_worker.py when the server has it.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeStepFunctions:
    def __init__(self, tasks, heartbeat_error=None, on_heartbeat=None):
        self.tasks = list(tasks)  # [(token, input dict)]
        self.heartbeat_error = heartbeat_error
        self.on_heartbeat = on_heartbeat
        self.calls = []  # (operation, body, content type, authorization)
        self.requests = []  # (headers, raw body), to check signatures
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with fake.lock:
                    fake.requests.append((dict(self.headers.items()), raw))
                body = json.loads(raw or b"{}")
                target = self.headers.get("X-Amz-Target", "")
                status, answer = fake.answer(target.rpartition(".")[2], body, self.headers)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, operation, body, headers):
        with self.lock:
            self.calls.append((operation, body, headers.get("Content-Type"), headers.get("Authorization", "")))
            if operation == "GetActivityTask":
                if self.tasks:
                    token, document = self.tasks.pop(0)
                    return 200, {"taskToken": token, "input": json.dumps(document)}
            elif operation == "SendTaskHeartbeat":
                if self.on_heartbeat:
                    self.on_heartbeat()
                if self.heartbeat_error:
                    return 400, {"__type": f"com.amazonaws.states#{self.heartbeat_error}", "message": "Task Timed Out"}
                return 200, {}
            elif operation in ("SendTaskSuccess", "SendTaskFailure"):
                return 200, {}
            else:
                return 400, {"__type": "UnknownOperationException", "message": operation}
        time.sleep(0.05)  # an empty poll; AWS would hold it up to 60 s
        return 200, {}

    def reports(self):
        with self.lock:
            return [(op, body) for op, body, _, _ in self.calls if op in ("SendTaskSuccess", "SendTaskFailure")]

    def heartbeats(self):
        with self.lock:
            return [body for op, body, _, _ in self.calls if op == "SendTaskHeartbeat"]
