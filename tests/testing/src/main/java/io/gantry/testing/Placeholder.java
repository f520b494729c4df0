package io.gantry.testing; final class Placeholder {}
