@cors
Feature: CORS for the frontend
  The Next.js frontend at BETTER_AUTH_URL calls the API from the browser with credentials
  (axios withCredentials), so the API must name that origin, never "*".

  @FR-019
  Scenario: The browser's preflight from the frontend is allowed
    When the browser at the frontend origin asks to "PUT" with the headers "authorization, content-type"
    Then the response is a success
    And the response allows the frontend origin with credentials
    And the allowed methods include "PUT"

  @FR-019
  Scenario: A real request from the frontend can be read by the browser
    Given user123 has a task "Buy groceries"
    When user123 lists their tasks from the frontend origin
    Then the response allows the frontend origin with credentials

  @FR-019 @hardening
  Scenario: Another website is not allowed
    Beyond FR-019: A-6 assumes the frontend is the only origin; our reference allows no other.
    When the browser at "https://evil.example" asks to "GET" with the headers "authorization"
    Then the response does not allow that origin
