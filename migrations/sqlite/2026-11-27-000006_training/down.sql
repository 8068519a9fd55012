DROP TABLE training_registrations;
DROP TABLE training_invitations;
DROP TABLE training_events;
