#!/usr/bin/env python3
# A feedwatch webhook receiver that checks the signature: webhook-receiver.py SECRET_FILE [PORT]
import hashlib, hmac, http.server, json, sys, time
SECRET = open(sys.argv[1], "rb").read().rstrip(b"\r\n")  # the file feedwatch's "secretFile" names
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp = self.headers.get("X-Feedwatch-Timestamp", "0")
        expected = "sha256=" + hmac.new(SECRET, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(expected, self.headers.get("X-Feedwatch-Signature", "")) and abs(time.time() - int(stamp)) < 300
        self.send_response(204 if ok else 401); self.end_headers()
        if ok: print(json.loads(body)["event"], self.headers["Idempotency-Key"], flush=True)  # dedupe on the key
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) > 2 else 0), Receiver)
print("listening on port", server.server_port, flush=True); server.serve_forever()
