"""k8ts example image xiaopeng163/docker-flask-demo:2.0 (our own code; behaves as the tutorial's app).

GET / counts the visit in Redis (key "hits", host from REDIS_HOST, default "redis", port 6379)
and says how many visits there have been and which host (the pod's name) answered. Redis is
reached lazily, per request, so the app starts without it; while it is unreachable each request
fails, and Flask's debug mode shows the Redis error (e.g. "Error -2 connecting to redis:6379.
Name or service not known.") in its error page.
"""
import os
import socket

from flask import Flask
from redis import Redis

app = Flask(__name__)
redis = Redis(host=os.environ.get("REDIS_HOST", "redis"), port=6379)


@app.route("/")
def hello():
    count = redis.incr("hits")
    return "Hello Container World! I have been seen {} times and my hostname is {}.\n".format(count, socket.gethostname())


if __name__ == "__main__":
    # Debug mode, as the original app ran, for its error page; no reloader: the image never changes.
    app.run(host="0.0.0.0", port=5000, debug=True, use_reloader=False)
