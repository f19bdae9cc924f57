"""The gatehouse (门岗): the barrier gates and their plate cameras. What the desk answers a
camera and records (gates), the cameras' messages as plain data (gate_protocols), talking to a
Hikvision camera (gate_camera), and the desk's HTTP server for the cameras (gate_server).

May import: booking.store, booking.people, booking.places, booking.policy, booking.schedule,
booking.money, booking.checkin, booking.reporting, booking.ops.
"""
