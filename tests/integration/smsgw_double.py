#!/usr/bin/env python3
"""smsgw_double.py: loopback test doubles and clients for the smsgw tests.

Written from Twilio's public docs (reference/sms-gateways.md §1.3-1.7), not
from our own code:

  serve PORT LOGFILE       Twilio REST double on 127.0.0.1:PORT
      POST /2010-04-01/Accounts/{sid}/Messages.json  Basic auth checked,
           201 + Message JSON; 400 code 21610 for numbers in OPTOUT,
           21211 (quoting the number) for numbers in INVALID;
           the first FAIL_FIRST requests get 503 (outage)
      GET  /2010-04-01/Accounts/{sid}/Messages.json  inbound list from
           INBOUND (a JSON file), two per page, next_page_uri paging
      Every accepted message is appended to LOGFILE as one JSON line.
      Env: TW_SID, TW_TOKEN, OPTOUT, INVALID (comma lists), FAIL_FIRST,
      INBOUND.
  kannel PORT LOGFILE      Kannel sendsms double (/cgi-bin/sendsms, 202)
  post URL PUBLIC TOKEN k=v ...   signed Twilio webhook; prints status and
                                  body ("-" as TOKEN: no signature, "bad":
                                  a wrong one)
  burst URL PUBLIC TOKEN N THREADS ACKFILE [PID K]
                           N signed webhooks (RATE n from N different
                           numbers +447800000000+i, MessageSid SMb0c57<i>) from THREADS
                           threads; each acknowledged sid (200) is written
                           to ACKFILE at once; after K acks, SIGKILL PID
  slow HOST PORT N SRC SECONDS  N connections from address SRC trickling
                           headers (one byte per 0.5 s); prints JSON counts
                           refused (closed at once), cut (closed later),
                           open (never closed)
  freeport                 prints a free TCP port on 127.0.0.1
"""
import base64
import hashlib
import hmac
import json
import os
import socket
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def signature(token, url, params):
    s = url
    for name in sorted(set(k for k, _ in params)):
        for value in sorted(set(v for k, v in params if k == name)):
            s += name + value
    mac = hmac.new(token.encode(), s.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


LOCK = threading.Lock()
STATE = {"requests": 0, "sent": 0}


class Twilio(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authorised(self):
        want = "Basic " + base64.b64encode(
            (os.environ["TW_SID"] + ":" + os.environ["TW_TOKEN"]).encode()
        ).decode()
        if self.headers.get("Authorization") != want:
            self.reply(401, {"code": 20003, "message": "Authenticate",
                             "status": 401})
            return False
        return True

    def path_ok(self):
        p = urllib.parse.urlsplit(self.path).path
        return p == "/2010-04-01/Accounts/%s/Messages.json" % os.environ["TW_SID"]

    def do_POST(self):
        if not self.path_ok():
            return self.reply(404, {"code": 20404, "status": 404})
        if not self.authorised():
            return
        n = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(n).decode(),
                                     keep_blank_values=True)
        with LOCK:
            STATE["requests"] += 1
            req = STATE["requests"]
        if req <= int(os.environ.get("FAIL_FIRST", "0")):
            return self.reply(503, {"code": 20500, "message": "outage",
                                    "status": 503})
        to = form.get("To", [""])[0]
        body = form.get("Body", [""])[0]
        if not to:
            return self.reply(400, {"code": 21604, "status": 400,
                                    "message": "'To' phone number is required"})
        if not body:
            return self.reply(400, {"code": 21602, "status": 400,
                                    "message": "Message body is required"})
        if to in os.environ.get("INVALID", "").split(","):
            # Twilio's 21211 quotes the number it refused.
            return self.reply(400, {
                "code": 21211, "status": 400,
                "message": "The 'To' number %s is not a valid phone number." % to,
                "more_info": "https://www.twilio.com/docs/errors/21211"})
        if to in os.environ.get("OPTOUT", "").split(","):
            return self.reply(400, {
                "code": 21610, "status": 400,
                "message": "Attempt to send to unsubscribed recipient",
                "more_info": "https://www.twilio.com/docs/errors/21610"})
        with LOCK:
            STATE["sent"] += 1
            sid = "SM%032d" % STATE["sent"]
            with open(sys.argv[3], "a") as f:
                f.write(json.dumps({"to": to, "from": form.get("From", [""])[0],
                                    "body": body, "sid": sid}) + "\n")
        self.reply(201, {"account_sid": os.environ["TW_SID"], "api_version":
                         "2010-04-01", "body": body, "direction": "outbound-api",
                         "error_code": None, "from": form.get("From", [""])[0],
                         "num_segments": "1", "sid": sid, "status": "queued",
                         "to": to})

    def do_GET(self):
        if not self.path_ok():
            return self.reply(404, {"code": 20404, "status": 404})
        if not self.authorised():
            return
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        msgs = json.load(open(os.environ["INBOUND"])) if os.environ.get("INBOUND") else []
        page = int(q.get("Page", ["0"])[0])
        chunk = msgs[page * 2:page * 2 + 2]
        nxt = None
        if page * 2 + 2 < len(msgs):
            nxt = "/2010-04-01/Accounts/%s/Messages.json?To=%s&PageSize=2&Page=%d&PageToken=PA%d" % (
                os.environ["TW_SID"], urllib.parse.quote(q.get("To", [""])[0]), page + 1, page + 1)
        with open(sys.argv[3] + ".polls", "a") as f:
            f.write(self.path + "\n")
        self.reply(200, {"messages": chunk, "next_page_uri": nxt, "page": page,
                         "page_size": 2, "start": page * 2, "end": page * 2 + len(chunk),
                         "first_page_uri": "", "previous_page_uri": None,
                         "uri": self.path})


class Kannel(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        with LOCK:
            STATE["requests"] += 1
            fail = STATE["requests"] <= int(os.environ.get("FAIL_FIRST", "0"))
        if fail:
            status, body = 503, b"Temporal failure, try again later."
        elif q.get("password", [""])[0] != os.environ.get("KN_PASS", "foobar"):
            status, body = 403, b"Authorization failed for sendsms"
        else:
            status, body = 202, b"0: Accepted for delivery"
            with LOCK, open(sys.argv[3], "a") as f:
                f.write(json.dumps({k: v[0] for k, v in q.items()}) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(handler):
    srv = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), handler)
    srv.serve_forever()


def post(url, public, token, pairs):
    params = [tuple(p.split("=", 1)) for p in pairs]
    data = urllib.parse.urlencode(params).encode()
    req = urllib.request.Request(url, data=data, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token == "bad":
        req.add_header("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    elif token != "-":
        req.add_header("X-Twilio-Signature", signature(token, public, params))
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            print(r.status, r.read().decode())
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode())


def burst(url, public, token, n, threads, ackfile, pid=None, k=None):
    import http.client
    import signal
    u = urllib.parse.urlsplit(url)
    lock = threading.Lock()
    state = {"next": 0, "acked": 0, "killed": False}
    out = open(ackfile, "a")

    def worker():
        conn = None
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= n:
                return
            sid = "SMb0c57%027d" % i
            params = [("MessageSid", sid), ("SmsSid", sid),
                      ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
                      ("From", "+447800%06d" % i),
                      ("To", "+447700900123"), ("Body", "RATE %d" % (1 + i % 5)),
                      ("NumSegments", "1"), ("SmsStatus", "received")]
            body = urllib.parse.urlencode(params)
            hdr = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": signature(token, public, params)}
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
                conn.request("POST", u.path, body, hdr)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except Exception:
                conn = None
                ok = False
            if ok:
                with lock:
                    out.write(sid + "\n")
                    out.flush()
                    state["acked"] += 1
                    if pid and not state["killed"] and state["acked"] >= k:
                        os.kill(pid, signal.SIGKILL)
                        state["killed"] = True

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.close()


def slow(host, port, n, src, seconds):
    """Opens n connections from source address src that trickle a request
    line and headers, one byte every 0.5 s, for at most `seconds`. Prints
    JSON: how many the server refused at once (closed within 1 s), how
    many it closed later (the deadline), and how many were still open at
    the end (never closed by the server)."""
    import select
    import time
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind((src, 0))
        s.connect((host, port))
        s.setblocking(False)
        socks.append(s)
    msg = b"POST /twilio HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4096
    t0 = time.time()
    closed = {}
    pos = 0
    while time.time() - t0 < seconds and len(closed) < n:
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                r, _, _ = select.select([s], [], [], 0)
                if r and s.recv(1024) == b"":
                    closed[i] = time.time() - t0
                    continue
                s.send(msg[pos:pos + 1])
            except OSError:
                closed[i] = time.time() - t0
        pos += 1
        time.sleep(0.5)
    print(json.dumps({
        "refused": sum(1 for t in closed.values() if t < 1.0),
        "cut": sum(1 for t in closed.values() if t >= 1.0),
        "open": n - len(closed)}))
    sys.stdout.flush()
    for s in socks:
        s.close()


def main():
    cmd = sys.argv[1]
    if cmd == "serve":
        serve(Twilio)
    elif cmd == "kannel":
        serve(Kannel)
    elif cmd == "post":
        post(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif cmd == "burst":
        a = sys.argv
        burst(a[2], a[3], a[4], int(a[5]), int(a[6]), a[7],
              int(a[8]) if len(a) > 8 else None, int(a[9]) if len(a) > 9 else None)
    elif cmd == "slow":
        slow(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5],
             float(sys.argv[6]))
    elif cmd == "freeport":
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
        s.close()
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
