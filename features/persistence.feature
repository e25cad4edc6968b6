@persistence
Feature: Persistence and configuration
  Tasks live in PostgreSQL (Neon in production), survive restarts, and the service is set up
  purely through environment variables.

  @SC-004 @FR-006 @own-stack
  Scenario: Tasks survive a restart of the server
    Given user123 has task 42 "Buy groceries"
    And user123 has a completed task "Finish project"
    When the backend is restarted
    Then user123's list holds exactly "Buy groceries" and "Finish project"
    And task 42 is exactly as it was before the restart

  @FR-006 @FR-020 @SC-010 @own-stack
  Scenario: The service is configured only through environment variables
    Given the backend was started from its environment alone: a fresh secret, origin and database
    And user123 has a task "Buy groceries"
    Then the task was stored in the database its environment names
    And the backend trusts the signing secret or key of its environment and no other
    And the backend allows the frontend origin of its environment

  @FR-018 @own-stack
  Scenario: Tasks are indexed by their owner
    Given user123 has a task "Buy groceries"
    Then the column holding the tasks' owner is indexed

  @FR-020 @SC-010 @hardening @in-process
  Scenario: A missing secret stops the service from starting, naming the variable only
    Beyond FR-020: our reference refuses to start without BETTER_AUTH_SECRET and says which
    variable is missing, never a value.
    Given an empty working directory with no .env file
    And the environment holds no BETTER_AUTH_SECRET
    When the service is started from that environment
    Then it refuses to start with a message naming "BETTER_AUTH_SECRET"
