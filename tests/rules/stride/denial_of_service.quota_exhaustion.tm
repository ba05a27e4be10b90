// denial_of_service.quota_exhaustion: fires when a process that serves callers calls a metered external API; silent for a job that has no callers.
// fires: denial_of_service.quota_exhaustion@api>sms
// silent: denial_of_service.quota_exhaustion@reminder_job>sms

actor user "User"
process api "API"
process reminder_job "Reminder job"
external sms "SMS provider"
user -> api "Requests a login code" { protocol "HTTPS" }
api -> sms "Sends login codes" { protocol "HTTPS" }
reminder_job -> sms "Sends reminders" { protocol "HTTPS" }
