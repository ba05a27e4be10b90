// tampering.request_smuggling: fires where an internet-facing proxy forwards HTTP to a backend; silent on a non-HTTP hop from the same proxy.
// fires: tampering.request_smuggling@edge>app
// silent: tampering.request_smuggling@edge>queue_worker

external client "Client"
boundary dc "Data centre" {
  process edge "Edge proxy"
  process app "Application"
  process queue_worker "Queue worker"
}
client -> edge "Requests" { protocol "HTTPS" }
edge -> app "Forwards requests" { protocol "HTTP/1.1" }
edge -> queue_worker "Publishes jobs" { protocol "AMQP/TLS" }
