// information_disclosure.sensitive_data_in_logs: fires on a flow that brings confidential data to a process; silent on a flow that carries only public data.
// fires: information_disclosure.sensitive_data_in_logs@patient>clinic_app
// silent: information_disclosure.sensitive_data_in_logs@visitor>clinic_app

data medical_record "Medical record" { classification confidential; tags [pii] }
data opening_hours "Opening hours query" { classification public }
actor patient "Patient"
actor visitor "Visitor"
process clinic_app "Clinic app"
patient -> clinic_app "Uploads records" { protocol "HTTPS"; data [medical_record] }
visitor -> clinic_app "Checks opening hours" { protocol "HTTPS"; data [opening_hours] }
