@US4
Feature: US4 Toggle completion
  As a signed-in user
  I want to tick a task off, and untick it again

  @US4-1
  Scenario: Toggling an open task completes it
    Given user123 has task 42 "Buy groceries"
    When user123 toggles task 42
    Then the response status is 200
    And the task is completed
    And the task's updated_at has advanced and its created_at has not changed

  @US4-2
  Scenario: Toggling a completed task reopens it
    Given user123 has a completed task "Finish project"
    When user123 toggles the task
    Then the response status is 200
    And the task is not completed

  @US4-3 @FR-005 @FR-013 @SC-002
  Scenario: Nobody can toggle another user's task
    Given user456 has a task "Walk the dog"
    When user123 toggles user456's task "Walk the dog"
    Then the response status is 403 or 404
    And user456's task "Walk the dog" is unchanged
