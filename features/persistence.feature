@persistence
Feature: Persistence and configuration
  Tasks live in PostgreSQL (Neon in production), survive restarts, and the service is set up
  purely through environment variables.

  @SC-004 @FR-006 @own-stack
  Scenario: Tasks survive a restart of the server
    Given a dedicated server on the features' database
    And user123 has task 42 "Buy groceries"
    And user123 has a completed task "Finish project"
    When the server is restarted
    And user123 lists their tasks
    Then the response status is 200
    And the response lists exactly "Buy groceries" and "Finish project"
    And task 42 is exactly as it was before the restart

  @FR-006 @FR-020 @SC-010 @own-stack
  Scenario: The service is configured only through environment variables
    Given an empty working directory with no .env file
    And the environment holds BETTER_AUTH_SECRET, BETTER_AUTH_URL and a Neon-style NEON_DATABASE_URL
    When the service is started from that environment
    And user123 creates a task "Buy groceries"
    Then the response status is 201
    And the task was stored in the database NEON_DATABASE_URL names
    And the service trusts exactly the secret and frontend origin from the environment

  @FR-020 @SC-010 @own-stack
  Scenario: A missing secret stops the service from starting, naming the variable only
    Given an empty working directory with no .env file
    And the environment holds no BETTER_AUTH_SECRET
    When the service is started from that environment
    Then it refuses to start with a message naming "BETTER_AUTH_SECRET"

  @FR-018 @own-stack
  Scenario: Tasks are indexed by their owner
    Then the tasks table has an index that starts with user_id
